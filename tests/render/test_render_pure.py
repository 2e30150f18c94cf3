"""Render is a pure function of the validated document and its provenance.

No module of :mod:`slactl.render` imports git (``slactl.gitio``, ``slactl.git``, GitPython) or the
approvals engine; the caller computes the :class:`Provenance` once (``slactl.provenance``). A
rendering made with a given provenance is the same bytes every time, wherever it is made: in
this repository, or in a folder outside any git repository on a machine without ``git``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from slactl.digest import content_digest
from slactl.documents import load_valid
from slactl.model.agreement import Agreement
from slactl.render import ApprovalRecord, Provenance, StageVerdict, draft_reasons, load_catalogs, render_document

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
AGREEMENTS = sorted(p for p in EXAMPLES.glob("*.yaml") if b"kind: Agreement" in p.read_bytes())
FORBIDDEN = ("slactl.gitio", "slactl.git", "slactl.approvals", "slactl.history", "slactl.provenance", "git")

# Runs in a fresh interpreter: imports every module of the render package, then renders each
# agreement given on the command line with a fixed provenance, and reports what it imported.
SCRIPT = r"""
import hashlib, importlib, json, pkgutil, sys
from datetime import UTC, date, datetime
from pathlib import Path

import slactl.render
names = [m.name for m in pkgutil.iter_modules(slactl.render.__path__)]
loaded = [importlib.import_module(f"slactl.render.{name}").__name__ for name in names]
after_import = sorted(sys.modules)

from slactl.digest import content_digest
from slactl.documents import load_valid
from slactl.render import ApprovalRecord, Provenance, load_catalogs, render_document

catalogs = load_catalogs([Path("catalog.yaml")])
digests = {}
for name in sys.argv[1:]:
    valid = load_valid(Path(name))
    prov = Provenance(content_digest(valid.document), "committed", "1" * 40, 1_790_000_000, (
        ApprovalRecord("legal", "Laura Stein", date(2026, 9, 1), "approved (verified)", "legal"),
        ApprovalRecord("management-initial", "Alex Romero", datetime(2026, 9, 2, 10, 0, tzinfo=UTC)),
    ))
    for fmt in ("md", "html"):
        data = render_document(valid, fmt, provenance=prov, catalogs=catalogs)
        digests[f"{name}:{fmt}"] = hashlib.sha256(data).hexdigest()
report = {"loaded": loaded, "after_import": after_import, "after_render": sorted(sys.modules), "digests": digests}
print(json.dumps(report))
"""


def provenance(agreement: Agreement) -> Provenance:
    """The same provenance the script builds: committed, with two judged approval rows."""
    rows = (
        ApprovalRecord("legal", "Laura Stein", date(2026, 9, 1), "approved (verified)", "legal"),
        ApprovalRecord("management-initial", "Alex Romero", datetime(2026, 9, 2, 10, 0, tzinfo=UTC)),
    )
    return Provenance(content_digest(agreement), "committed", "1" * 40, 1_790_000_000, rows)


def in_process() -> dict[str, str]:
    """sha256 of every example rendered here, in this repository, twice (both must agree)."""
    catalogs = load_catalogs([EXAMPLES / "catalog.yaml"])
    digests: dict[str, str] = {}
    for path in AGREEMENTS:
        valid = load_valid(path)
        assert isinstance(valid.document, Agreement)
        prov = provenance(valid.document)
        for fmt in ("md", "html"):
            first = render_document(valid, fmt, provenance=prov, catalogs=catalogs)
            assert render_document(valid, fmt, provenance=prov, catalogs=catalogs) == first, (path.name, fmt)
            digests[f"{path.name}:{fmt}"] = hashlib.sha256(first).hexdigest()
    return digests


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str] | dict[str, str]]:
    """The script's report, run on copies of the examples outside any git repository, without git on PATH."""
    folder = tmp_path_factory.mktemp("no-git")
    for path in [*AGREEMENTS, EXAMPLES / "catalog.yaml"]:
        shutil.copyfile(path, folder / path.name)
    empty = tmp_path_factory.mktemp("empty-path")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    # Nothing above the folder counts as a repository, and there is no git executable to run.
    env.update(PATH=str(empty), GIT_CEILING_DIRECTORIES=str(folder.parent), PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, *(p.name for p in AGREEMENTS)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not (folder / ".git").exists()
    report: dict[str, list[str] | dict[str, str]] = json.loads(proc.stdout)
    return report


def forbidden_in(modules: list[str] | dict[str, str]) -> list[str]:
    return sorted(m for m in modules if any(m == f or m.startswith(f"{f}.") for f in FORBIDDEN))


def test_every_render_module_imports_neither_git_nor_approvals(outside: dict[str, list[str] | dict[str, str]]) -> None:
    package = ROOT / "src" / "slactl" / "render"
    expected = sorted(f"slactl.render.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__")
    assert sorted(outside["loaded"]) == expected  # the script really imported every module
    assert "jinja2" not in outside["after_import"]  # importing the package stays cheap
    assert forbidden_in(outside["after_import"]) == []


def test_rendering_imports_neither_git_nor_approvals(outside: dict[str, list[str] | dict[str, str]]) -> None:
    assert "jinja2" in outside["after_render"]  # it did render
    assert forbidden_in(outside["after_render"]) == []


def test_rendering_is_the_same_bytes_here_twice_and_outside_git(outside: dict[str, list[str] | dict[str, str]]) -> None:
    here = in_process()
    assert len(here) == 2 * len(AGREEMENTS) > 0
    assert outside["digests"] == here


def test_the_provenance_decides_what_the_document_says() -> None:
    path = EXAMPLES / "it-hr-support-fy2027.yaml"
    valid = load_valid(path)
    assert isinstance(valid.document, Agreement)
    committed = provenance(valid.document)
    text = render_document(valid, "md", provenance=committed).decode()
    assert f"git commit {'1' * 40}" in text
    assert "| Legal | Legal | Laura Stein | September 1, 2026 | Approved (verified) |" in text
    assert "| Management (initial) | Management | Alex Romero | September 2, 2026 10:00 UTC | Approved |" in text
    # committed, but no stage was judged: a draft that says so
    assert "DRAFT" in text and "The approvals were not judged." in text
    draft = Provenance(committed.digest, "untracked", None, 0)
    text = render_document(valid, "md", provenance=draft).decode()
    assert "not under version control" in text and "DRAFT" in text
    # nothing recorded, so no dates: the column where every cell is "—" is dropped
    assert "| Legal | Legal | Laura Stein | Not yet recorded |" in text


def test_a_document_is_final_only_when_every_stage_holds_and_no_placeholder_is_left() -> None:
    valid = load_valid(EXAMPLES / "it-hr-support-fy2027.yaml")
    assert isinstance(valid.document, Agreement)
    stages = [StageVerdict(s.stage, tuple(s.roles), True) for s in valid.document.approvals.stages]  # type: ignore[union-attr]
    final = replace(provenance(valid.document), stages=tuple(stages), approved_revisions=2)
    assert final.final and draft_reasons(final) == []
    text = render_document(valid, "html", provenance=final).decode()
    assert "DRAFT" not in text and "slactl-draft-mark" not in text
    assert '<th scope="row">Version</th><td>2</td>' in text
    held_but_one = replace(final, stages=(*stages[:-1], replace(stages[-1], holds=False)))
    assert draft_reasons(held_but_one) == ["this approval stage does not hold for this content: Signature"]
    text = render_document(valid, "html", provenance=held_but_one).decode()
    assert text.count("slactl-draft-mark") == 1 and "draft (after version 2)" in text
    placeholders = replace(final, placeholders=("metadata.title",))
    assert draft_reasons(placeholders) == ["placeholders remain (TODO: metadata.title)"]
    assert render_document(valid, "md", provenance=placeholders).decode().count("> **DRAFT**") == 1
    modified = replace(final, state="modified")
    assert draft_reasons(modified) == ["the file has changes that are not committed"]


def test_rendering_without_a_provenance_is_refused() -> None:
    valid = load_valid(EXAMPLES / "it-hr-support-fy2027.yaml")
    with pytest.raises(TypeError, match="provenance"):
        render_document(valid, "md")
