"""`slactl graph`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from slactl.cli.app import command

GRAPH_OWNER = "graph"
_COMMENT = {"mermaid": "%% {}\n", "dot": "// {}\n", "html": "<!-- {} -->\n"}


class GraphFormat(StrEnum):
    mermaid = "mermaid"
    dot = "dot"
    html = "html"
    json = "json"


@command(
    summary="Draw the dependency graph: SLA -> OLA -> contract.",
    epilog=(
        "slactl graph examples/                        # Mermaid, to standard output\n"
        "slactl graph examples/ --format html -o portfolio.html\n"
        "slactl graph examples/ --format dot | dot -Tsvg > portfolio.svg"
    ),
)
def graph(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders of agreements (searched recursively). Default: the current folder."),
    ] = None,
    *,
    fmt: Annotated[
        GraphFormat,
        typer.Option(
            "--format",
            "-f",
            help="mermaid, dot (Graphviz), html (a self-contained page with an SVG), or json for machines.",
        ),
    ] = GraphFormat.mermaid,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of standard output.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an -o file that slactl did not write as a graph (or a symlink).")
    ] = False,
    config: Annotated[
        Path | None, typer.Option("--config", help="Path to slactl.yaml (default: found upward).")
    ] = None,
) -> None:
    """Draw the portfolio's dependency graph: each agreement with its type and term, each `depends_on`
    link from a service level to the level it rests on, broken links and failed chain checks marked.

    The agreements are validated as `slactl validate` does (links to agreements not given are
    resolved from the files beside the ones given); exit 0 whatever the checks find: the graph
    shows them, `slactl validate` fails on them.
    """
    from slactl.config import load_config
    from slactl.graph import build_graph
    from slactl.graph.render import to_dot, to_html, to_json, to_mermaid
    from slactl.safewrite import placeholder, refusal, seal, write_file

    given = paths or [Path()]
    if output is not None and (problem := refusal(output, owner=GRAPH_OWNER, force=force)) is not None:
        raise problem
    cfg = load_config(given[0], explicit=config)
    value = build_graph(given, cfg)
    text = {"mermaid": to_mermaid, "dot": to_dot, "html": to_html, "json": to_json}[fmt.value](value)
    if output is None:
        sys.stdout.write(text)
        return
    if fmt is GraphFormat.json:
        write_file(output, text.encode(), force=force)
    else:
        write_file(output, seal((text + _COMMENT[fmt.value].format(placeholder(GRAPH_OWNER))).encode()),
                   owner=GRAPH_OWNER, force=force)  # fmt: skip
    typer.echo(f"wrote {output}", err=True)
