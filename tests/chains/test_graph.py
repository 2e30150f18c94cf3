"""`slactl graph` and the rendered text's names of the agreements a document rests on."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from helpers_validate import run_main
from slactl.config import load_config
from slactl.graph import build_graph
from slactl.graph.render import layout, to_dot, to_html, to_json, to_mermaid

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SLA, OLA, UC = "cec-fy2027-rural-lending", "cec-platform-ola-fy2027", "northwind-colocation-fy2027"
# The links of the example chain, read from the example files (not from slactl): (from, level, to, level).
CHAIN = {
    (SLA, "desk-p1-resolution", OLA, "platform-p1-resolution"),
    (SLA, "hosting-availability", OLA, "platform-availability"),
    (OLA, "platform-availability", UC, "power-availability"),
    (OLA, "platform-availability", UC, "transit-availability"),
    (OLA, "platform-p1-response", UC, "noc-p1-response"),
}


def chain_copy(tmp_path: Path) -> Path:
    for name in (SLA, OLA, UC, "catalog", "slactl"):
        shutil.copy(EXAMPLES / f"{name}.yaml", tmp_path / f"{name}.yaml")
    shutil.copytree(EXAMPLES / "clauses", tmp_path / "clauses")  # the library slactl.yaml names
    return tmp_path


def test_the_examples_graph_has_every_link_of_the_chain() -> None:
    graph = build_graph([EXAMPLES], load_config(EXAMPLES))
    assert {(e.source, e.source_level, e.target, e.target_level) for e in graph.edges} == CHAIN
    assert all(e.status == "ok" for e in graph.edges)
    types = {n.id: n.type for n in graph.nodes}
    assert (types[SLA], types[OLA], types[UC]) == ("customer", "internal", "vendor")
    # The SLA names the contract in `underpinned_by` without a level link: an agreement-level edge.
    assert graph.agreement_links == ((SLA, UC),)


def test_layers_go_top_down_by_type() -> None:
    graph = build_graph([EXAMPLES], load_config(EXAMPLES))
    where = layout(graph)
    assert where[SLA][1] < where[OLA][1] < where[UC][1]


def test_a_broken_link_and_a_failed_check_are_marked(tmp_path: Path) -> None:
    folder = chain_copy(tmp_path)
    sla = folder / f"{SLA}.yaml"
    sla.write_text(sla.read_text().replace("level: platform-p1-resolution}", "level: platform-p9}"))
    ola = folder / f"{OLA}.yaml"
    target = "    target: 99.9%\n    window: calendar_month\n    # Power"
    ola.write_text(ola.read_text().replace(target, target.replace("99.9%", "99.99%")))
    graph = build_graph([folder], load_config(folder))
    status = {(e.source_level, e.target_level): e.status for e in graph.edges}
    assert status[("desk-p1-resolution", "platform-p9")] == "broken"
    assert status[("platform-availability", "power-availability")] == "failed"
    assert status[("platform-availability", "transit-availability")] == "failed"
    assert status[("hosting-availability", "platform-availability")] == "ok"
    mermaid = to_mermaid(graph)
    assert "-.->" in mermaid and "stroke:#c62828" in mermaid
    dot = to_dot(graph)
    assert "style=dashed" in dot and "platform-p9 (broken)" in dot
    page = to_html(graph)
    assert "SLA160" in page and "SLA164" in page


def test_a_missing_agreement_is_a_dashed_node(tmp_path: Path) -> None:
    folder = chain_copy(tmp_path)
    (folder / f"{UC}.yaml").unlink()
    graph = build_graph([folder / f"{OLA}.yaml"], load_config(folder))
    missing = [n for n in graph.nodes if n.missing]
    assert [n.id for n in missing] == [UC]
    assert {e.status for e in graph.edges if e.target == UC} == {"broken"}


def test_the_page_is_self_contained_and_escapes_what_it_shows(tmp_path: Path) -> None:
    folder = chain_copy(tmp_path)
    ola = folder / f"{OLA}.yaml"
    hostile = "title: <script>alert(1)</script> OLA"
    ola.write_text(ola.read_text().replace("title: Operational Level Agreement", hostile))
    page = to_html(build_graph([folder], load_config(folder)))
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; OLA" in page
    # No request leaves the page: the only URL is the SVG namespace.
    assert set(re.findall(r"https?://[^\"' )]+", page)) == {"http://www.w3.org/2000/svg"}
    assert "<svg" in page and "</svg>" in page


def test_json_lists_nodes_and_edges() -> None:
    value = json.loads(to_json(build_graph([EXAMPLES], load_config(EXAMPLES))))
    assert {(e["source"], e["source_level"], e["target"], e["target_level"]) for e in value["edges"]} == CHAIN
    assert {n["id"] for n in value["nodes"]} >= {SLA, OLA, UC}


def test_cli_writes_the_page_and_will_not_overwrite_a_users_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "graph.html"
    run = run_main(["graph", str(EXAMPLES), "--format", "html", "-o", str(out)], capsys)
    assert run.code == 0, run.err
    assert out.read_text().startswith("<!DOCTYPE html>")
    again = run_main(["graph", str(EXAMPLES), "--format", "html", "-o", str(out)], capsys)
    assert again.code == 0  # its own earlier output is replaced
    mine = tmp_path / "mine.html"
    mine.write_text("my notes")
    refused = run_main(["graph", str(EXAMPLES), "-f", "html", "-o", str(mine)], capsys)
    assert refused.code == 2
    assert mine.read_text() == "my notes"
    mermaid = run_main(["graph", str(EXAMPLES)], capsys)
    assert mermaid.code == 0 and mermaid.out.startswith("flowchart TD\n")


# --------------------------------------------------------------------------- the rendered document


def test_the_rendered_text_names_what_it_rests_on_by_title(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = chain_copy(tmp_path)
    out = tmp_path / "sla.md"
    run = run_main(["render", str(folder / f"{SLA}.yaml"), "-o", str(out)], capsys)
    assert run.code == 0, run.err
    text = out.read_text()
    ola_title = "Operational Level Agreement for the Hosting Platform, FY2027"
    uc_title = "Underpinning Contract for Colocation Services, FY2027"
    assert f"It depends on the underpinning agreements “{ola_title}” ({OLA}) and “{uc_title}” ({UC})." in text
    assert f"Service level hosting-availability rests on platform-availability of “{ola_title}”." in text
    assert f"Service level desk-p1-resolution rests on platform-p1-resolution of “{ola_title}”." in text


def test_render_is_pure_and_says_ids_without_the_related_agreements() -> None:
    from slactl.documents import load_valid
    from slactl.provenance import provenance_of
    from slactl.render import render_text

    valid = load_valid(EXAMPLES / f"{SLA}.yaml")
    text = render_text(valid.document, "md", provenance=provenance_of(valid))  # type: ignore[arg-type]
    assert f"Service level hosting-availability rests on platform-availability of {OLA}." in text
