"""slactl renew: the next term as a new file, edited in the text so comments and layout survive."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from slactl.cli import main
from slactl.documents import load_valid
from slactl.errors import SlactlError
from slactl.fiscal import fiscal_year_of
from slactl.renew import Shift, renew_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
IT_HR = "it-hr-support-fy2027.yaml"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    names = ("catalog.yaml", "slactl.yaml", IT_HR, "cec-fy2027-rural-lending.yaml", "northwind-colocation-fy2027.yaml")
    for name in names:
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tmp_path


def changed_lines(old: str, new: str) -> list[tuple[str, str]]:
    """Pairs of differing lines, after dropping the one inserted `renews:` line."""
    new_lines = [line for line in new.split("\n") if not line.strip().startswith("renews:")]
    old_lines = old.split("\n")
    assert len(new_lines) == len(old_lines)
    return [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]


@pytest.mark.parametrize("name", [IT_HR, "cec-fy2027-rural-lending.yaml", "northwind-colocation-fy2027.yaml"])
def test_renew_examples_keeps_everything_but_the_known_values(folder: Path, name: str) -> None:
    source = folder / name
    result = renew_file(source)
    assert result.path == folder / name.replace("fy2027", "fy2028")
    new_text = result.path.read_text(encoding="utf-8")
    old_text = source.read_text(encoding="utf-8")
    doc = load_valid(result.path).document
    assert doc.metadata.id == result.new_id == load_valid(source).document.metadata.id.replace("fy2027", "fy2028")
    assert doc.metadata.renews == result.old_id
    assert (doc.term.start, doc.term.end, doc.term.fiscal_year) == (date(2027, 10, 1), date(2028, 9, 30), "FY2028")
    # every comment survives, byte for byte
    comments = [line for line in old_text.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(c in new_text.splitlines() for c in comments)
    # and every changed line changed only in the planned values (dates one year on, fy2027 -> fy2028)
    pairs = changed_lines(old_text, new_text)
    assert pairs and all(_one_year_on(a) == b for a, b in pairs), pairs


def _one_year_on(line: str) -> str:
    shifted = re.sub(r"(\d{4})-(\d{2}-\d{2})", lambda m: f"{int(m.group(1)) + 1}-{m.group(2)}", line)
    return shifted.replace("FY2027", "FY2028").replace("fy2027", "fy2028")


def test_payment_and_transition_dates_shift_with_the_term(folder: Path) -> None:
    result = renew_file(folder / "cec-fy2027-rural-lending.yaml", fiscal_year="FY2029")
    assert result.shift == Shift(years=2)
    doc = load_valid(result.path).document
    assert [p.due for p in doc.pricing.payment_schedule] == [
        date(2028, 10, 15), date(2029, 1, 15), date(2029, 4, 15), date(2029, 7, 15)
    ]  # fmt: skip
    assert [t.due for t in doc.transition.tasks] == [date(2028, 10, 2), date(2028, 11, 30), date(2028, 11, 30)]
    assert doc.metadata.title.endswith("FY2029")
    assert result.path.name == "cec-fy2029-rural-lending.yaml"


def test_start_and_end_that_are_not_whole_years_shift_by_days(folder: Path) -> None:
    result = renew_file(folder / IT_HR, start=date(2027, 11, 1), end=date(2028, 10, 31), output=folder / "next.yaml")
    assert result.shift == Shift(days=396)
    doc = load_valid(folder / "next.yaml").document
    assert (doc.term.start, doc.term.end) == (date(2027, 11, 1), date(2028, 10, 31))
    assert [p.due for p in doc.pricing.payment_schedule] == [date(2027, 12, 1), date(2028, 5, 30)]  # +396 days
    assert doc.term.fiscal_year == "FY2028"  # November 2027 is in FY2028


def test_never_overwrites_without_force(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = folder / "it-hr-support-fy2028.yaml"
    target.write_text("mine\n")
    assert main(["renew", str(folder / IT_HR)]) == 2
    assert "the file exists" in capsys.readouterr().err
    assert target.read_text() == "mine\n"
    assert main(["renew", str(folder / IT_HR), "--force"]) == 0
    assert load_valid(target).document.metadata.renews == "it-hr-support-fy2027"
    with pytest.raises(SlactlError, match="new file"):
        renew_file(folder / IT_HR, output=folder / IT_HR, force=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fiscal_year": "FY2027"}, "does not come after FY2027"),
        ({"fiscal_year": "2028"}, "not a fiscal year"),
        ({"fiscal_year": "FY2028", "start": date(2027, 10, 1), "end": date(2028, 9, 30)}, "not both"),
        ({"start": date(2027, 10, 1)}, "both --start and --end"),
        ({"start": date(2027, 10, 1), "end": date(2027, 9, 1)}, "ends"),
        ({"start": date(2026, 1, 1), "end": date(2026, 12, 31)}, "must start after"),
        ({"new_id": "Not A Slug"}, "not a lowercase id"),
    ],
)
def test_bad_requests_are_refused(folder: Path, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(SlactlError, match=message):
        renew_file(folder / IT_HR, **kwargs)
    assert not (folder / "it-hr-support-fy2028.yaml").exists()


MINIMAL = """\
apiVersion: slactl/v1
kind: Agreement
metadata: {id: acme-hosting, title: 'Hosting for Acme', type: vendor, structure: service-based}   # flow style
parties:
  provider: {name: P, organization: P Inc, contacts: [{name: Pat, role: Manager}]}
  customer: {name: C, organization: C Inc, contacts: [{name: Cy, role: Buyer}]}
term:
  start: "2028-02-29"   # quoted, leap day
  end: '2029-02-27'
services:
  - {id: web, name: Web hosting}
"""


def test_flow_mapping_quotes_and_ids_without_a_fiscal_year(tmp_path: Path) -> None:
    source = tmp_path / "acme.yaml"
    source.write_text(MINIMAL)
    result = renew_file(source)
    assert result.new_id == "acme-hosting-renewal" and result.path == tmp_path / "acme-hosting-renewal.yaml"
    assert result.shift == Shift(years=1)  # 2028-02-29 + 1 year is 2029-02-28, the day after the end
    text = result.path.read_text()
    assert "metadata: {renews: acme-hosting, id: acme-hosting-renewal, title: 'Hosting for Acme'," in text
    assert 'start: "2029-02-28"   # quoted, leap day' in text
    assert "end: '2030-02-27'" in text
    again = renew_file(result.path)
    assert again.new_id == "acme-hosting-renewal-2"
    assert load_valid(again.path).document.metadata.renews == "acme-hosting-renewal"


def test_whole_year_shift_moves_the_leap_day_to_the_28th(tmp_path: Path) -> None:
    source = tmp_path / "acme.yaml"
    source.write_text(MINIMAL.replace('"2028-02-29"', "2027-03-01").replace("'2029-02-27'", "2028-02-29"))
    result = renew_file(source)
    assert result.shift == Shift(years=1)
    assert (result.start, result.end) == (date(2028, 3, 1), date(2029, 2, 28))


BLOCK = """\
apiVersion: slactl/v1
kind: Agreement
metadata:
  id: acme-hosting   # block style
  title: Hosting for Acme
  type: vendor
  structure: service-based
parties:
  provider: {name: P, organization: P Inc, contacts: [{name: Pat, role: Manager}]}
  customer: {name: C, organization: C Inc, contacts: [{name: Cy, role: Buyer}]}
term: {start: 2028-01-01, end: 2028-12-31}
services:
  - {id: web, name: Web hosting}
"""


def test_crlf_and_bom_are_kept(tmp_path: Path) -> None:
    source = tmp_path / "acme.yaml"
    source.write_bytes(b"\xef\xbb\xbf" + BLOCK.replace("\n", "\r\n").encode())
    result = renew_file(source)
    raw = result.path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"  id: acme-hosting-renewal   # block style\r\n  renews: acme-hosting\r\n  title:" in raw
    assert b"term: {start: 2029-01-01, end: 2029-12-31}\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_a_value_that_cannot_be_edited_in_place_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "acme.yaml"
    source.write_text(MINIMAL.replace('"2028-02-29"', '"2028\\x2d02-29"'))
    assert load_valid(source).document.term.start == date(2028, 2, 29)
    with pytest.raises(SlactlError, match=r"cannot edit `term.start` \(line 8\) in place"):
        renew_file(source)
    assert list(tmp_path.iterdir()) == [source]


def test_existing_renews_is_replaced(folder: Path) -> None:
    first = renew_file(folder / IT_HR)
    second = renew_file(first.path)
    text = second.path.read_text()
    assert second.path.name == "it-hr-support-fy2029.yaml"
    assert text.count("renews:") == 1 and "  renews: it-hr-support-fy2028\n" in text


def test_cli_notes_holidays_outside_the_new_term(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["renew", str(folder / IT_HR), "-o", str(folder / "out.yaml")]) == 0
    captured = capsys.readouterr()
    assert "it-hr-support-fy2028 renews it-hr-support-fy2027" in captured.out
    assert "approvals start empty" in captured.out
    assert "calendars.city-hours.holidays has 2 dates outside the new term" in captured.err


@pytest.mark.parametrize(
    ("day", "start", "fy"),
    [(date(2026, 10, 1), (10, 1), 2027), (date(2026, 9, 30), (10, 1), 2026), (date(2026, 9, 30), (1, 1), 2026)],
)
def test_fiscal_year_of(day: date, start: tuple[int, int], fy: int) -> None:
    assert fiscal_year_of(day, start) == fy
