"""The names a new user meets first (issue 12): `new` puts the term in the id, `renew` names the
next term after its fiscal year, so a renewal chain reads finance-desk-fy2027 -> -fy2028 -> -fy2029."""

from __future__ import annotations

from pathlib import Path

import pytest

from slactl.cli import main
from slactl.documents import load_valid


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    return captured.out + captured.err


def ident(path: Path) -> tuple[str, str | None]:
    meta = load_valid(path).document.metadata  # type: ignore[union-attr]
    return meta.id, meta.renews


def test_new_then_renew_names_each_term(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    desk = tmp_path / "agreements" / "finance-desk.yaml"
    run(capsys, "new", str(desk), "--fiscal-year", "FY2027", "--no-input")
    assert ident(desk) == ("finance-desk-fy2027", None)
    out = run(capsys, "renew", str(desk))
    nxt = tmp_path / "agreements" / "finance-desk-fy2028.yaml"
    assert str(nxt) in out
    assert ident(nxt) == ("finance-desk-fy2028", "finance-desk-fy2027")
    run(capsys, "renew", str(nxt))
    assert ident(tmp_path / "agreements" / "finance-desk-fy2029.yaml") == ("finance-desk-fy2029", "finance-desk-fy2028")


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("its-fy2027-nrcs.yaml", ["--fiscal-year", "FY2027"], "its-fy2027-nrcs"),  # the name has the term
        ("desk.yaml", ["--start", "2027-01-01", "--end", "2027-12-31"], "desk-2027"),  # not a fiscal year
        ("desk-2027.yaml", ["--start", "2027-01-01", "--end", "2027-12-31"], "desk-2027"),
    ],
)
def test_new_keeps_a_term_the_name_already_has(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, args: list[str], expected: str
) -> None:
    path = tmp_path / name
    run(capsys, "new", str(path), *args, "--no-input")
    assert ident(path)[0] == expected


def test_renew_moves_a_calendar_year_in_the_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    desk = tmp_path / "desk.yaml"
    run(capsys, "new", str(desk), "--start", "2027-01-01", "--end", "2027-12-31", "--no-input")
    run(capsys, "renew", str(desk))
    assert ident(tmp_path / "desk-2028.yaml") == ("desk-2028", "desk-2027")
