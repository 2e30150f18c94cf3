"""Final or draft, judged on a real repository with real SSH-signed approvals (issue 13).

A rendering is final only when the file is committed, holds no placeholder and every
required stage holds for its digest (``slactl status``'s judgement); otherwise every page of
the PDF carries DRAFT, so does the header of every page of the Word document, the cover
says what is missing and ``render --final`` exits 1.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from gitrepo import GitRepo
from slactl import approvals
from slactl.cli import main
from slactl.documents import load_valid
from slactl.provenance import provenance_of
from slactl.render import render_document
from test_approvals import APPROVER, STAGES, TODAY, World, edit, setup_world


@pytest.fixture
def world(git_repo: GitRepo) -> World:
    return setup_world(git_repo)


def approve_all(world: World, stages: tuple[str, ...] = STAGES) -> None:
    for stage in stages:
        world.approve(APPROVER[stage], stage)


def pdf_pages(world: World) -> list[str]:
    valid = load_valid(world.path)
    pdf = render_document(valid, "pdf", provenance=provenance_of(valid))
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_an_approved_agreement_is_final_and_no_page_says_draft(world: World) -> None:
    approve_all(world)
    assert approvals.status_paths([world.path], today=TODAY).ok  # the gate agrees
    valid = load_valid(world.path)
    provenance = provenance_of(valid)
    assert provenance.final and [s.holds for s in provenance.stages or ()] == [True] * 4
    assert provenance.approved_revisions == 1
    pages = pdf_pages(world)
    assert len(pages) > 3
    assert [p for p in pages if "DRAFT" in p] == []
    text = render_document(valid, "md", provenance=provenance).decode()
    assert "DRAFT" not in text and "- **Version:** 1" in text
    assert "| Signature | Signatory | Robert Chen &lt;robert.chen@lakeside.example.org&gt; |" in text


def test_an_agreement_missing_one_stage_says_draft_on_every_page(world: World) -> None:
    approve_all(world, STAGES[:-1])
    pages = pdf_pages(world)
    assert len(pages) > 3
    assert all("DRAFT" in page for page in pages), [i for i, p in enumerate(pages) if "DRAFT" not in p]
    cover = " ".join(pages[0].split())
    assert "This approval stage does not hold for this content: Signature." in cover
    assert "Version draft (no version approved yet)" in cover


def test_render_final_refuses_a_draft_and_writes_nothing(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.html"
    assert main(["render", str(world.path), "--final", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "not final" in err
    assert "Management (initial), Legal, Management (final) and Signature" in err
    assert not out.exists()
    approve_all(world)
    assert main(["render", str(world.path), "--final", "-o", str(out)]) == 0
    assert out.exists() and "slactl-draft-mark" not in out.read_text(encoding="utf-8")


def test_a_placeholder_keeps_an_approved_agreement_a_draft(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(world, "  title: ", "  title: TODO ")
    approve_all(world)  # every stage approves the content with the placeholder
    provenance = provenance_of(load_valid(world.path))
    assert all(s.holds for s in provenance.stages or ())
    assert provenance.placeholders == ("metadata.title",) and not provenance.final
    assert main(["render", str(world.path), "--final", "-o", str(tmp_path / "x.md")]) == 1
    assert "placeholders remain (TODO: metadata.title)" in capsys.readouterr().err


def test_a_change_after_approval_makes_the_next_version_a_draft(world: World) -> None:
    approve_all(world)
    edit(world, "notice: 30 days", "notice: 45 days")
    valid = load_valid(world.path)
    provenance = provenance_of(valid)
    assert not provenance.final and provenance.approved_revisions == 1
    text = render_document(valid, "md", provenance=provenance).decode()
    assert "- **Version:** draft (after version 1)" in text
    assert "Out of date: the agreement changed since this approval (Termination › Notice: 30 days → 45 days)" in text
    approve_all(world)
    provenance = provenance_of(load_valid(world.path))
    assert provenance.final and provenance.approved_revisions == 2


def test_an_approval_by_the_wrong_role_is_said_in_plain_words(world: World) -> None:
    world.approve("laura", "management-initial")
    valid = load_valid(world.path)
    text = render_document(valid, "md", provenance=provenance_of(valid)).decode()
    assert (
        "Not counted: Laura Stein signed as Legal; the Management (initial) stage needs a Management approver"
    ) in text
    assert "holds role" not in text and "laura stein" not in text


def docx_marks(world: World) -> tuple[list[str], str]:
    """The DOCX's page header texts (Word repeats them on every page) and its content status."""
    import docx

    valid = load_valid(world.path)
    data = render_document(valid, "docx", provenance=provenance_of(valid))
    document = docx.Document(io.BytesIO(data))
    headers = [p.text for section in document.sections for p in section.header.paragraphs if p.text]
    return headers, document.core_properties.content_status


def test_the_word_document_carries_draft_on_every_page_until_final(world: World) -> None:
    approve_all(world, STAGES[:-1])
    headers, status = docx_marks(world)
    assert headers == ["DRAFT: not final (see the cover)"] and status == "Draft"
    world.approve(APPROVER[STAGES[-1]], STAGES[-1])
    assert docx_marks(world) == ([], "Final")
