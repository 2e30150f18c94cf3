"""Issue 10, credits and remedies as real texts write them.

Expected amounts are worked out by hand from docs/format.md and docs/report.md (a band is
``[from, to)``, an open end holds every value on its side; the credit is the band's percent
of the monthly fee, rounded half-up to cents); none is computed by the code under test.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from helpers_validate import run_main
from slactl.config import load_config
from slactl.findings import Finding
from slactl.loading import load_text
from slactl.model import Agreement
from slactl.parse import parse_document
from slactl.validate import validate_paths

CASES = Path(__file__).resolve().parent / "cases"
COMPLETE = (CASES / "valid" / "complete.yaml").read_text()
HOSTING_BANDS = """      bands:
        - {from: 99.5%, to: 99.9%, credit: 10%}
        - {from: 0%, to: 99.5%, credit: 25%}
"""


def repo(tmp_path: Path, text: str) -> Path:
    (tmp_path / ".git").mkdir(exist_ok=True)
    path = tmp_path / "a.yaml"
    path.write_text(text)
    return path


def with_bands(bands: str) -> str:
    assert HOSTING_BANDS in COMPLETE
    return COMPLETE.replace(HOSTING_BANDS, "      bands:\n" + bands)


def findings(tmp_path: Path, text: str) -> list[Finding]:
    path = repo(tmp_path, text)
    return validate_paths([path], load_config(path)).findings


def line_of(text: str, needle: str) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def agreement(text: str) -> Agreement:
    parsed = parse_document(load_text(text), "a.yaml")
    doc = parsed.document
    assert isinstance(doc, Agreement), parsed.findings
    return doc


# --------------------------------------------------------------------------- 1. bands


OPEN_BANDS = """        - {from: 99.9%, credit: none}
        - {from: 99.5%, to: 99.9%, credit: 10%}
        - {to: 99.5%, credit: 25%}
"""


def test_open_ended_and_no_credit_bands_validate_clean(tmp_path: Path) -> None:
    assert findings(tmp_path, with_bands(OPEN_BANDS)) == []


@pytest.mark.parametrize("spelling", ["none", "0%", "no credit"])
def test_a_no_credit_band_is_read_as_zero(spelling: str) -> None:
    doc = agreement(with_bands(f"        - {{from: 99.9%, credit: {spelling}}}\n" + HOSTING_BANDS.split("\n", 1)[1]))
    assert doc.credits is not None
    assert doc.credits.schedules[0].bands[0].credit.value == 0


def test_a_gap_is_a_warning_naming_the_uncovered_range(tmp_path: Path) -> None:
    text = with_bands("        - {from: 99.5%, to: 99.9%, credit: 10%}\n        - {to: 99%, credit: 25%}\n")
    [finding] = findings(tmp_path, text)
    assert (finding.code, finding.severity.value) == ("SLA343", "warning")
    assert "from 99% up to (not including) 99.5%" in finding.message
    assert finding.line == line_of(text, "from: 99.5%, to: 99.9%")


def test_an_overlap_is_still_an_error(tmp_path: Path) -> None:
    text = with_bands("        - {from: 99.5%, to: 99.9%, credit: 10%}\n        - {to: 99.6%, credit: 25%}\n")
    [finding] = findings(tmp_path, text)
    assert (finding.code, finding.severity.value) == ("SLA143", "error")


def test_a_band_open_above_below_another_overlaps_it(tmp_path: Path) -> None:
    text = with_bands("        - {from: 99.5%, to: 99.9%, credit: 10%}\n        - {from: 99%, credit: 25%}\n")
    codes = sorted(f.code for f in findings(tmp_path, text))
    assert "SLA143" in codes


def test_a_paying_band_open_above_credits_at_the_target(tmp_path: Path) -> None:
    text = with_bands("        - {from: 99.5%, credit: 10%}\n        - {to: 99.5%, credit: 25%}\n")
    [finding] = findings(tmp_path, text)
    assert finding.code == "SLA302"
    assert "open above" in finding.message


def test_a_negative_credit_or_above_100_is_refused(tmp_path: Path) -> None:
    text = with_bands("        - {from: 99.5%, to: 99.9%, credit: 101%}\n        - {to: 99.5%, credit: 25%}\n")
    codes = [f.code for f in findings(tmp_path, text)]
    assert "SLA132" in codes


@pytest.mark.parametrize(
    ("measured", "expected"),
    [
        # fee 1,000.00 (the --fee given); [99.5, 99.9): 10% -> 100.00; below 99.5: 25% -> 250.00
        ("99.95", None),
        ("99.9", None),
        ("100", None),
        ("99.89", "100.00"),
        ("99.5", "100.00"),
        ("99.49", "250.00"),
        ("0", "250.00"),
    ],
)
def test_credits_with_open_and_no_credit_bands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], measured: str, expected: str | None
) -> None:
    path = repo(tmp_path, with_bands(OPEN_BANDS))
    args = ["credits", str(path), "--service-level", "hosting-availability", "--availability", measured]
    run = run_main([*args, "--fee", "1000"], capsys)
    assert run.code == 0, run.err
    if expected is None:
        assert "no credit" in run.out
    else:
        assert f"= USD {expected}" in run.out, run.out


def test_report_gives_no_credit_in_a_no_credit_band_and_one_below() -> None:
    from slactl.report.credits import band_for, credit_for

    doc = agreement(with_bands(OPEN_BANDS))
    assert doc.credits is not None
    schedule = doc.credits.schedules[0]
    none_band = band_for(schedule, Decimal("100"))
    assert none_band is not None and none_band.credit.value == 0
    assert credit_for("x", "hosting", Decimal("99.95"), schedule, fee=Decimal(1000), currency="USD") is None
    line = credit_for("x", "hosting", Decimal("12.5"), schedule, fee=Decimal("1000.02"), currency="USD")
    assert line is not None and line.amount == Decimal("250.01")  # 1000.02 x 25% = 250.005 -> 250.01


def test_render_says_open_ends_and_no_credit_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = repo(tmp_path, with_bands(OPEN_BANDS))
    run = run_main(["render", "--format", "md", "-o", "-", str(path)], capsys)
    assert run.code == 0, run.err
    assert "99.9% or more | no credit" in run.out
    assert "99.5% to under 99.9% | 10% of the monthly fee" in run.out
    assert "below 99.5% | 25% of the monthly fee" in run.out


def test_semdiff_says_a_band_made_no_credit() -> None:
    from slactl.semdiff import diff_documents

    old = agreement(with_bands(OPEN_BANDS))
    new = agreement(with_bands(OPEN_BANDS.replace("to: 99.9%, credit: 10%", "to: 99.9%, credit: none")))
    changes = diff_documents(old, new)
    [change] = changes
    assert change.sentence().endswith("99.5% to 99.9% › Credit: 10% → 0%"), change.sentence()
    assert change.favour == "provider"
