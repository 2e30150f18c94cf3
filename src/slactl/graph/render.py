"""The dependency graph as Mermaid, Graphviz DOT, JSON, or an HTML page with an SVG drawn here.

Pure: each function takes the finished ``Graph`` and returns text. The HTML page needs nothing
from the network (no script, no font, no stylesheet from elsewhere): the SVG is laid out in
layers by agreement type, customer SLAs on top, OLAs below them, contracts at the bottom,
ids that no file holds in a last row.
"""

from __future__ import annotations

import html
from dataclasses import asdict

from slactl.graph import Edge, Graph, Node
from slactl.textsafe import json_text, show_direction_controls

_TYPE_LABEL = {"customer": "SLA", "internal": "OLA", "vendor": "UC", "missing": "not found"}
_LAYERS = ("customer", "internal", "vendor", "missing")
_STATUS_COLOR = {"ok": "#2e7d32", "warning": "#b26a00", "failed": "#c62828", "broken": "#c62828"}


def _edge_label(edge: Edge) -> str:
    mark = {"ok": "", "warning": " (warning)", "failed": " (failed)", "broken": " (broken)"}[edge.status]
    any_of = " [any of]" if edge.redundant else ""
    return f"{edge.source_level} → {edge.target_level}{any_of}{mark}"


def _node_label(node: Node) -> str:
    if node.missing:
        return f"{node.id} (not found)"
    return f"{node.title} | {_TYPE_LABEL.get(node.type, node.type)} {node.id} | {node.term}"


def _html(text: str) -> str:
    return html.escape(show_direction_controls(text))


# --------------------------------------------------------------------------- mermaid


def _mermaid_text(text: str) -> str:
    # Mermaid reads entity codes inside quoted labels; quotes and angle brackets are written as codes.
    # A bidirectional control is shown as its escape, as in every output drawn from the files.
    codes = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;"}
    return "".join(codes.get(c, c) for c in show_direction_controls(text) if c >= " ")


def to_mermaid(graph: Graph) -> str:
    """A Mermaid flowchart, top to bottom; failed and broken links in red, a missing node dashed."""
    ids = {node.id: f"n{i}" for i, node in enumerate(graph.nodes)}
    lines = ["flowchart TD"]
    for node in graph.nodes:
        label = _mermaid_text(_node_label(node)).replace(" | ", "<br/>")
        lines.append(f'  {ids[node.id]}["{label}"]')
    for i, edge in enumerate(graph.edges):
        arrow = "-.->" if edge.status == "broken" else "-->"
        lines.append(f'  {ids[edge.source]} {arrow}|"{_mermaid_text(_edge_label(edge))}"| {ids[edge.target]}')
        if edge.status != "ok":
            lines.append(f"  linkStyle {i} stroke:{_STATUS_COLOR[edge.status]},stroke-width:2px")
    for source, target in graph.agreement_links:
        lines.append(f'  {ids[source]} -.-|"underpinned by"| {ids[target]}')
    lines += [f"  style {ids[n.id]} stroke:#c62828,stroke-dasharray:4 3" for n in graph.nodes if n.missing]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- dot


def _dot_text(text: str) -> str:
    return "".join(c for c in show_direction_controls(text) if c >= " ").replace("\\", "\\\\").replace('"', '\\"')


def to_dot(graph: Graph) -> str:
    """A Graphviz digraph: agreements as boxes ranked by type, links labelled with their levels."""
    lines = ["digraph portfolio {", "  rankdir=TB;", '  node [shape=box, fontname="Helvetica"];']
    for node in graph.nodes:
        style = ', style=dashed, color="#c62828"' if node.missing else ""
        label = _dot_text(_node_label(node)).replace(" | ", "\\n")
        lines.append(f'  "{_dot_text(node.id)}" [label="{label}"{style}];')
    for layer in _LAYERS:
        members = " ".join(f'"{_dot_text(n.id)}";' for n in graph.nodes if n.type == layer)
        if members:
            lines.append(f"  {{ rank=same; {members} }}")
    for edge in graph.edges:
        style = ", style=dashed" if edge.status == "broken" else ""
        color = f', color="{_STATUS_COLOR[edge.status]}"' if edge.status != "ok" else ""
        lines.append(
            f'  "{_dot_text(edge.source)}" -> "{_dot_text(edge.target)}" '
            f'[label="{_dot_text(_edge_label(edge))}"{color}{style}];'
        )
    for source, target in graph.agreement_links:
        lines.append(f'  "{_dot_text(source)}" -> "{_dot_text(target)}" [label="underpinned by", style=dotted];')
    lines.append("}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- json


def to_json(graph: Graph) -> str:
    """The graph for machines: nodes, edges with their findings, agreement-level links, files read beside."""
    value = {
        "nodes": [asdict(n) for n in graph.nodes],
        "edges": [
            {**{k: v for k, v in asdict(e).items() if k != "findings"}, "findings": [asdict(f) for f in e.findings]}
            for e in graph.edges
        ],
        "agreement_links": [{"agreement": a, "underpinned_by": b} for a, b in graph.agreement_links],
        "beside": list(graph.beside),
    }
    return json_text(value, indent=2, default=str) + "\n"


# --------------------------------------------------------------------------- svg / html

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 300, 84, 60, 150, 40


def _cut(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def layout(graph: Graph) -> dict[str, tuple[int, int]]:
    """Top-left corner of each node's box: one row per agreement type, in id order."""
    rows = [[n for n in graph.nodes if n.type == layer] for layer in _LAYERS]
    rows = [row for row in rows if row]
    width = max((len(row) for row in rows), default=1)
    out: dict[str, tuple[int, int]] = {}
    for r, row in enumerate(rows):
        offset = (width - len(row)) * (BOX_W + GAP_X) // 2
        for c, node in enumerate(row):
            out[node.id] = (MARGIN + offset + c * (BOX_W + GAP_X), MARGIN + r * (BOX_H + GAP_Y))
    return out


def to_svg(graph: Graph) -> str:
    """The graph drawn as SVG: boxes by layer, links as arrows labelled with their levels."""
    where = layout(graph)
    width = max((x for x, _ in where.values()), default=0) + BOX_W + MARGIN
    height = max((y for _, y in where.values()), default=0) + BOX_H + MARGIN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" role="img">',
        "<defs>",
        *(
            f'<marker id="arrow-{status}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
            f'markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{color}"/></marker>'
            for status, color in {**_STATUS_COLOR, "plain": "#607d8b"}.items()
        ),
        "</defs>",
    ]
    # Agreement-level links first and to the left, so that level links are drawn over them.
    parts += [_svg_edge(where, a, b, -1, "underpinned by", "plain") for a, b in graph.agreement_links]
    # Several links between the same two boxes fan out, each with its own label row.
    pairs: dict[tuple[str, str], int] = {}
    for edge in graph.edges:
        key = (edge.source, edge.target)
        index = pairs.get(key, 0)
        pairs[key] = index + 1
        parts.append(_svg_edge(where, edge.source, edge.target, index, _edge_label(edge), edge.status))
    parts += [_svg_node(where[node.id], node) for node in graph.nodes]
    parts.append("</svg>")
    return "\n".join(parts)


def _svg_edge(where: dict[str, tuple[int, int]], source: str, target: str, index: int, label: str, status: str) -> str:
    (sx, sy), (tx, ty) = where[source], where[target]
    spread = index * 22
    x1, y1 = sx + BOX_W // 2 + spread, sy + BOX_H
    x2, y2 = tx + BOX_W // 2 + spread, ty
    if ty <= sy:  # a link upwards or sideways (an agreement resting on one of its own layer)
        y1, y2 = sy + BOX_H // 2, ty + BOX_H // 2
        x1, x2 = (sx + BOX_W, tx) if tx > sx else (sx, tx + BOX_W)
    color = _STATUS_COLOR.get(status, "#607d8b")
    dash = ' stroke-dasharray="6 4"' if status in ("broken", "plain") else ""
    mx, my = (x1 + x2) // 2, (y1 + y2) // 2 + index * 16
    text = _html(label)
    return (
        f'<g class="edge {status}"><line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{color}" '
        f'stroke-width="2"{dash} marker-end="url(#arrow-{status})"/>'
        f'<text x="{mx}" y="{my}" font-size="12" text-anchor="middle" fill="{color}" '
        f'stroke="#fff" stroke-width="4" paint-order="stroke">{text}</text></g>'
    )


def _svg_node(corner: tuple[int, int], node: Node) -> str:
    x, y = corner
    fill = {"customer": "#e3f2fd", "internal": "#f1f8e9", "vendor": "#fff8e1"}.get(node.type, "#ffebee")
    stroke = "#c62828" if node.missing else "#455a64"
    dash = ' stroke-dasharray="6 4"' if node.missing else ""
    kind = _TYPE_LABEL.get(node.type, node.type)
    lines = [
        (f"{kind}: {node.id}", 14, "bold"),
        (_cut(node.title, 42) if not node.missing else "no file holds this id", 12, "normal"),
        (node.term, 12, "normal"),
    ]
    texts = "".join(
        f'<text x="{x + 12}" y="{y + 24 + i * 22}" font-size="{size}" font-weight="{weight}">{_html(t)}</text>'
        for i, (t, size, weight) in enumerate(lines)
        if t
    )
    title = _html(node.title)
    return (
        f'<g class="node {node.type}"><title>{title}</title><rect x="{x}" y="{y}" width="{BOX_W}" '
        f'height="{BOX_H}" rx="8" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>{texts}</g>'
    )


def to_html(graph: Graph) -> str:
    """A self-contained page: the SVG, a key, and every chain finding of the run."""
    rows = "".join(
        f"<tr><td>{_html(f.code)}</td><td>{_html(f.severity.value)}</td>"
        f"<td>{_html(f.file)}:{f.line}</td><td>{_html(f.message)}</td></tr>"
        for f in graph.findings
    )
    findings = (
        f"<table><tr><th>Code</th><th>Severity</th><th>Where</th><th>Message</th></tr>{rows}</table>"
        if rows
        else "<p>Every link holds: no chain finding.</p>"
    )
    beside = (
        "<p>Read beside the files given, to resolve links: " + ", ".join(_html(b) for b in graph.beside) + "</p>"
        if graph.beside
        else ""
    )
    key = " ".join(
        f'<span style="color:{color}">&#9632; {name}</span>'
        for name, color in (
            ("holds", _STATUS_COLOR["ok"]),
            ("warning", _STATUS_COLOR["warning"]),
            ("failed or broken", _STATUS_COLOR["failed"]),
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        "<title>Agreement dependencies</title><style>body{font-family:Helvetica,Arial,sans-serif;margin:24px;"
        "color:#263238}table{border-collapse:collapse;margin-top:12px}td,th{border:1px solid #cfd8dc;"
        "padding:4px 8px;text-align:left;vertical-align:top;font-size:13px}.svg{overflow:auto}</style></head>"
        f"<body><h1>Agreement dependencies</h1><p>SLA: customer agreement; OLA: internal; UC: underpinning "
        f"contract (vendor). Arrows point from a level to the level it rests on. {key}</p>"
        f'<div class="svg">{to_svg(graph)}</div>{beside}<h2>Chain findings</h2>{findings}</body></html>\n'
    )
