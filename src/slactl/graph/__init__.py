"""`slactl graph`: the portfolio's dependency graph, agreements as nodes and `depends_on` links as edges.

Built from one validate run (``slactl.validate.validate_paths``): the nodes are the agreements
validated and those read beside them, the edges their level-to-level links, each marked with
the chain findings at its line (docs/chains.md). The value is plain data; ``slactl.graph.render``
turns it into Mermaid, DOT, JSON or a self-contained SVG page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from slactl.config import Config
from slactl.findings import Finding

Status = Literal["ok", "warning", "failed", "broken"]


@dataclass(frozen=True)
class Node:
    """One agreement, or an id a link names that no file holds (``missing``)."""

    id: str
    title: str
    type: str  # customer | internal | vendor | missing
    term: str
    file: str | None
    missing: bool = False


@dataclass(frozen=True)
class Edge:
    """One link: a level of ``source`` rests on ``target_level`` of ``target``.

    ``group`` numbers the `depends_on` entry: links of one `any_of` share it (redundant).
    ``status``: broken (SLA160/SLA161: the other end is not found or not allowed), failed (an
    error of a chain check), warning (a warning of one), ok.
    """

    source: str
    source_level: str
    target: str
    target_level: str
    group: int
    redundant: bool
    status: Status
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Graph:
    """The portfolio's agreements and links, and the files read only to resolve links."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    agreement_links: tuple[tuple[str, str], ...]  # (agreement, underpinning agreement) with no level link
    beside: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = field(default=())  # every chain finding of the run


_BROKEN = {"SLA160", "SLA161"}


def _chain_codes() -> set[str]:
    from slactl.rules import iter_rules

    return {r.code for r in iter_rules() if r.code == "SLA157" or r.code.startswith("SLA16")}


def build_graph(paths: Sequence[Path], config: Config) -> Graph:
    """Validate ``paths`` and the graph of what their agreements rest on."""
    from slactl.rules.chains import AgreementFacts, resolve
    from slactl.validate import validate_paths

    result = validate_paths(paths, config)
    codes = _chain_codes()
    chain = [f for f in result.findings if f.code in codes]
    # A finding is at the line of a link, or (SLA164) at the target of the level resting on them.
    at: dict[tuple[str, int], list[Finding]] = {}
    for finding in chain:
        at.setdefault((finding.file, finding.line), []).append(finding)
    summaries = [s for s in result.summaries if isinstance(s.chain, AgreementFacts)]
    beside = result.beside_summaries
    nodes: dict[str, Node] = {}
    for summary in summaries + beside:
        facts = summary.chain
        assert isinstance(facts, AgreementFacts)
        nodes.setdefault(facts.id, Node(facts.id, facts.title, facts.type, facts.term_text(), summary.file))
    edges: list[Edge] = []
    linked: set[tuple[str, str]] = set()
    for r in resolve(summaries + beside):
        if r.summary.file in result.beside:
            continue  # links of the agreements read beside are not this run's
        group = next(i for i, g in enumerate(r.level.depends) if r.link in g.links)
        found = at.get((r.summary.file, r.link.line), []) + at.get((r.summary.file, r.level.target_mark[0]), [])
        found = [f for f in found if f.code != "SLA164" or f.line == r.level.target_mark[0]]
        edges.append(
            Edge(
                r.owner.id,
                r.level.id,
                r.link.agreement,
                r.link.level,
                group,
                r.level.depends[group].redundant,
                _status(found),
                tuple(found),
            )
        )
        linked.add((r.owner.id, r.link.agreement))
        if r.link.agreement not in nodes:
            nodes[r.link.agreement] = Node(r.link.agreement, r.link.agreement, "missing", "", None, missing=True)
    plain = [
        (s.chain.id, other)
        for s in summaries
        for other in s.chain.underpinned_by
        if (s.chain.id, other) not in linked and other in nodes
    ]
    return Graph(
        tuple(sorted(nodes.values(), key=lambda n: n.id)),
        tuple(edges),
        tuple(plain),
        tuple(result.beside),
        tuple(chain),
    )


def _status(found: list[Finding]) -> Status:
    from slactl.findings import Severity

    if any(f.code in _BROKEN for f in found):
        return "broken"
    if any(f.severity is Severity.ERROR for f in found):
        return "failed"
    return "warning" if found else "ok"
