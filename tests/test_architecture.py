"""docs/architecture.md is generated from the import graph, and the graph keeps its layers (issue 11).

Each module of src/slactl belongs to one layer (LAYERS, by package or module name). A module
may import from its own layer and the layers below it, never from one above: the CLI sits on
the presentation layer (render, reporters), which sits on the services (validate, history,
approvals, report...), which sit on the domain (the model, loading, rules, wording), which
sits on the base (errors, safe writes, text safety); git is one package at the bottom that
imports nothing of slactl but the base. Imports inside functions count too (they are how the
CLI stays lazy, not a way around the layers). `UPDATE_DOCS=1 python -m pytest
tests/test_architecture.py` rewrites the document; the test fails when it drifts.
"""

from __future__ import annotations

import ast
import os
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "slactl"
DOC = ROOT / "docs" / "architecture.md"

# Top to bottom. A module's layer is that of its longest listed prefix.
LAYERS: list[tuple[str, str, tuple[str, ...]]] = [
    ("entry", "The command line: option parsing, exit codes, progress.", ("slactl.cli", "slactl.__main__")),
    (
        "presentation",
        "Output from view models: documents, reports, findings, schemas and generated docs.",
        (
            "slactl.render",
            "slactl.provenance",
            "slactl.redline",
            "slactl.reporters",
            "slactl.report.render",
            "slactl.report.view",
            "slactl.report.svg",
            "slactl.portfolio.ics",
            "slactl.portfolio.site",
            "slactl.report.pack",  # a pack holds the rendered reports; --verify compares their JSON
            "slactl.docs",
            "slactl.rules.docs",
            "slactl.rules.__main__",
            "slactl.rules.explain",
            "slactl.export",
            "slactl.rules.explain_chains",
            "slactl.graph.render",
        ),
    ),
    (
        "services",
        "What the commands do, over files and git: validate, history, approvals, report, renew, scaffold.",
        (
            "slactl.validate",
            "slactl.history",
            "slactl.revisions",
            "slactl.approvals",
            "slactl.report",
            "slactl.renew",
            "slactl.scaffold",
            "slactl.discovery",
            "slactl.documents",
            "slactl.config",
            "slactl.pool",
            "slactl.portfolio",
            "slactl.graph",
            "slactl.clause_sources",
        ),
    ),
    (
        "domain",
        "The agreement: the format, its loading and checks, its digest, its words and its clock.",
        (
            "slactl.model",
            "slactl.parse",
            "slactl.loading",
            "slactl.rules",
            "slactl.digest",
            "slactl.clauses",
            "slactl.semdiff",
            "slactl.wording",
            "slactl.clock",
            "slactl.fiscal",
            "slactl.holidays",
            "slactl.findings",
            "slactl.templates_dir",
            "slactl.schema",
        ),
    ),
    ("git", "Git, through GitPython: repositories, revisions, blobs, signatures.", ("slactl.git",)),
    (
        "base",
        "What every layer may use: errors, safe writes, text made safe to show, the user cache.",
        ("slactl.errors", "slactl.safewrite", "slactl.textsafe", "slactl.usercache", "slactl"),
    ),
]
RANK = {prefix: rank for rank, (_, _, prefixes) in enumerate(LAYERS) for prefix in prefixes}
NAMES = [name for name, _, _ in LAYERS]


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def layer_of(module: str) -> int:
    best = max((p for p in RANK if module == p or module.startswith(p + ".")), key=len, default=None)
    assert best is not None, f"{module} is in no layer: add it to LAYERS in tests/test_architecture.py"
    return RANK[best]


def imports(path: Path, known: set[str]) -> set[str]:
    """The slactl modules ``path`` imports, anywhere in it (``from slactl import x`` is ``slactl.x``)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "slactl"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "slactl":
                continue
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                out.add(full if full in known else node.module)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: {m for m in imports(path, known) if m != name} for name, path in mods.items()}


def test_no_module_imports_from_a_layer_above_it() -> None:
    upward = [
        f"{a} ({NAMES[layer_of(a)]}) imports {b} ({NAMES[layer_of(b)]})"
        for a, targets in graph().items()
        for b in sorted(targets)
        if layer_of(b) < layer_of(a)
    ]
    assert upward == []


def test_only_the_git_package_runs_git() -> None:
    """GitPython and the git command are used in one package; nothing else spawns git."""
    outside = []
    for name, path in modules().items():
        if layer_of(name) == NAMES.index("git"):
            continue
        text = path.read_text()
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "git" for a in node.names):
                outside.append(f"{name} imports GitPython")
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "git":
                outside.append(f"{name} imports GitPython")
            if isinstance(node, ast.List) and node.elts and isinstance(node.elts[0], ast.Constant):
                if node.elts[0].value == "git":
                    outside.append(f"{name} builds a git command line")
    assert outside == []


def render_doc() -> str:
    g = graph()
    mods = modules()
    by_layer: dict[int, list[str]] = defaultdict(list)
    for name in mods:
        by_layer[layer_of(name)].append(name)
    packages: dict[int, list[str]] = defaultdict(list)
    for rank, names in by_layer.items():
        tops = sorted({".".join(n.split(".")[:2]) for n in names})
        packages[rank] = tops
    edges: set[tuple[str, str]] = set()
    for a, targets in g.items():
        for b in targets:
            la, lb = layer_of(a), layer_of(b)
            if la != lb:
                edges.add((NAMES[la], NAMES[lb]))
    lines = [
        "# Architecture",
        "",
        "<!-- Generated by tests/test_architecture.py from the import graph; do not edit by hand. -->",
        "",
        "slactl is a pipeline in layers. A module imports from its own layer and the layers below,",
        "never from one above (a test walks every import, including those inside functions, and",
        "fails on an upward one). The CLI imports the core lazily, inside each command, so",
        "`slactl --help` loads none of it.",
        "",
        "```mermaid",
        "flowchart TD",
    ]
    for rank, name in enumerate(NAMES):
        lines.append(f'  {name}["{name}: {", ".join(p.removeprefix("slactl.") for p in packages[rank])}"]')
    for a, b in sorted(edges, key=lambda e: (NAMES.index(e[0]), NAMES.index(e[1]))):
        lines.append(f"  {a} --> {b}")
    lines += ["```", "", "| Layer | What it holds | Modules |", "|---|---|---|"]
    for rank, (name, what, _) in enumerate(LAYERS):
        names = sorted(by_layer[rank])
        shown = ", ".join(f"`{n.removeprefix('slactl.') or 'slactl'}`" for n in names)
        lines.append(f"| {name} | {what} | {shown} |")
    lines += ["", FLOWS]
    return "\n".join(lines)


FLOWS = """## The flow of a finding

`slactl validate PATH` (cli.validate) asks `discovery` which files are slactl documents, then
`validate` reads each one: `loading` builds the YAML with every value's line and column (and
refuses hostile YAML before anything is built), `parse` checks it against the `model` with
pydantic and maps each error back to its line, `rules` run the semantic checks on what passed,
and every problem becomes a `findings.Finding` (file, line, column, code, message). The
`reporters` turn the findings into text, JSON, GitHub annotations or SARIF; the CLI picks the
exit code.

## The flow of a digest

A digest is what an approval binds to. `digest.content_digest` takes the validated document's
canonical form (the model dumped with its own serializers, sorted, fields added later left out
while unused) and hashes it, so formatting and comments do not change it and every term does.
`approvals` record it in the trailer of a signed, empty commit (`slactl approve`); `approvals`
and `history` read the revisions of a file through `git` and judge each approval by its
signature, the roster at the base and the digest of the content it names; `render` prints the
digest and the judged approvals on the document, from a provenance value its caller computes.
"""


def test_the_architecture_document_is_generated() -> None:
    text = render_doc()
    if os.environ.get("UPDATE_DOCS"):
        DOC.write_text(text)
    assert DOC.read_text() == text, "docs/architecture.md is stale: UPDATE_DOCS=1 pytest tests/test_architecture.py"


def test_no_module_is_over_about_600_lines_without_saying_why() -> None:
    """A module longer than ~600 lines (650 with the tilde) gives its reason in its docstring."""
    long = []
    for name, path in modules().items():
        text = path.read_text()
        if len(text.splitlines()) > 650 and "Longer than 600 lines because" not in (
            ast.get_docstring(ast.parse(text)) or ""
        ):
            long.append(f"{name}: {len(text.splitlines())} lines")
    assert long == []
