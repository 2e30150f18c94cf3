"""The examples written after real documents (issue 10): each validates, reports over its
sample data with the numbers worked out by hand below, and renders without a TODO."""

from __future__ import annotations

from pathlib import Path

import pytest

from slactl.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DATA = EXAMPLES / "data"


def run(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    code = main(args)
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def report(capsys: pytest.CaptureFixture[str], name: str, period: str, as_of: str, *files: str) -> str:
    args = ["report", str(EXAMPLES / f"{name}.yaml"), "--period", period, "--as-of", as_of]
    for kind in files:
        args += [f"--{kind}", str(DATA / name / f"{kind}.csv")]
    return run(capsys, args)


@pytest.mark.parametrize("name", ["cloud-compute-public-sla", "lawyer-standard-sla", "public-sector-es-support"])
def test_the_example_validates_strictly_and_renders_without_todo(capsys: pytest.CaptureFixture[str], name: str) -> None:
    run(capsys, ["validate", "--strict", str(EXAMPLES / f"{name}.yaml")])
    text = run(capsys, ["render", str(EXAMPLES / f"{name}.yaml"), "--format", "md", "-o", "-"])
    assert "TODO" not in text
    assert len(text) > 1000


def test_cloud_compute_credits_per_region_from_usage(capsys: pytest.CaptureFixture[str]) -> None:
    out = report(capsys, "cloud-compute-public-sla", "2027-01-16..2027-04-15", "2027-05-01", "outages", "charges")
    # Billing cycles from the 16th: Jan 16-Feb 15 has 31 days = 44,640 min; Feb 16-Mar 15 has 28 = 40,320.
    # Amounts are in USD, the currency the minimum names (the terms have no pricing).
    # eu-west, Jan cycle: 90 min down -> (44,640 - 90) / 44,640 = 99.798% -> 99%-99.95% band:
    #   10% of the usage charges 4,200.00 = 420.00
    assert "10% of the compute charges for eu-west: 2027-01-16 to 2027-02-15 USD 4,200.00 = USD 420.00" in out
    # us-east, Jan cycle: 6 min down; the 2 h Wednesday maintenance is excluded, leaving
    #   44,640 - 120 = 44,520 min: (44,520 - 6) / 44,520 = 99.9865% < 99.99% -> missed, but in the
    #   99.95%-99.99% band that earns no credit: no credit line for it.
    assert "| us-east: 2027-01-16 to 2027-02-15 | 99.98% | 99.99% | missed |" in out
    assert "us-east: 2027-01-16 to 2027-02-15: compute-region-uptime at" not in out
    # us-east, Feb cycle: 600 min down -> (40,320 - 600) / 40,320 = 98.512% -> 95%-99% band:
    #   30% of 3,900.00 = 1,170.00
    assert "30% of the compute charges for us-east: 2027-02-16 to 2027-03-15 USD 3,900.00 = USD 1,170.00" in out
    # eu-west, Feb cycle: 60 min -> 99.851% -> 10% of 3,900.00 = 390.00
    assert "USD 3,900.00 = USD 390.00" in out
    # eu-west, Mar cycle: 120 min of 44,640 -> 99.731% -> 10% of 50.00 = 5.00, below the USD 10 minimum.
    assert "USD 5.00, is below the minimum credit of USD 10.00: none is issued" in out
    # Owed: 420 + 390 + 1,170 = 1,980.
    assert "**Total owed: USD 1,980.00**" in out


def test_lawyer_standard_sla_response_credits_held_to_the_agreement_cap(capsys: pytest.CaptureFixture[str]) -> None:
    out = report(capsys, "lawyer-standard-sla", "2027-02", "2027-03-15", "tickets")
    # Fee: GBP 120,000.00 over the 12 months of the term = GBP 10,000.00 a month.
    # P1 (30 minutes, around the clock): 10 tickets, INC2704 (45 min) and INC2707 (70 min) late:
    #   8 / 10 = 80% < 90% -> 10% of 10,000.00 = 1,000.00
    assert "| Feb 2027 | 80.00% | 95% within 30 minutes | missed |" in out
    assert "10% of the managed-platform monthly fee GBP 10,000.00 = GBP 1,000.00" in out
    # P2 (2 business hours): 10 tickets, INC2713 (2 h 30 min) late: 9 / 10 = 90% -> 90%-95% band: 3% = 300.00
    assert "3% of the managed-platform monthly fee GBP 10,000.00 = GBP 300.00" in out
    # P3 (8 business hours, 90%): 5 of 5 on time: met, no credit.
    assert "| Feb 2027 | 100.00% | 90% within 8 business hours | met |" in out
    # 1,000.00 + 300.00 = 1,300.00 is under the monthly cap (15% of 10,000.00 = 1,500.00) but above the
    # agreement cap (10% of all fees for the month, 10,000.00 -> 1,000.00): 1,000.00 is owed.
    assert "total GBP 1,300.00, above the agreement cap of 10% of all fees for the window (GBP 10,000.00)" in out
    assert "**Total owed: GBP 1,000.00**" in out


def test_lawyer_standard_sla_renders_customer_only_termination_with_cure(capsys: pytest.CaptureFixture[str]) -> None:
    text = run(capsys, ["render", str(EXAMPLES / "lawyer-standard-sla.yaml"), "--format", "md", "-o", "-"])
    # termination.by: customer, notice 30 days, cure 30 days
    assert "The customer may end this agreement early by giving the other party notice at least 30 days" in text
    assert "unless the other party remedies the cause within 30 days of the notice" in text


def test_public_sector_es_penalties_per_late_ticket_in_office_hours(capsys: pytest.CaptureFixture[str]) -> None:
    out = report(capsys, "public-sector-es-support", "2027-01", "2027-02-15", "tickets")
    # Office hours Mon-Fri 08:00-15:00 (7 h a day), Madrid; Jan 1 and Jan 6 (Epiphany) are holidays.
    # INC-27-0102 (P1) opened Tue Jan 5 14:30, resolved Thu Jan 7 10:00: 30 min + (Jan 6 closed) + 2 h
    #   = 2 h 30 min, within 8 h; without the holiday it would be 9 h 30 min and late.
    assert "INC-27-0102" not in out
    # P1 response (1 h): INC-27-0104 took 1 h 30 min: 2 of 3 on time -> 1 x EUR 150.00
    assert "p1-response: 1 late ticket x EUR 150.00 = EUR 150.00" in out
    # P1 resolution (8 h): INC-27-0106 Jan 19 10:00 -> Jan 20 12:00 = 5 h + 4 h = 9 h: late.
    #   2 of 3 = 66.66% < 80% -> 2% of the monthly fee (84,000.00 / 12 = 7,000.00) = 140.00, plus 1 x 300.00
    assert "opened 2027-01-19 10:00 CET: 9 h, 1 h over target" in out
    assert "2% of the user-support monthly fee EUR 7,000.00 = EUR 140.00" in out
    assert "p1-resolution: 1 late ticket x EUR 300.00 = EUR 300.00" in out
    # P2 response (4 h): INC-27-0107 Jan 21 12:00 -> Jan 22 10:00 = 3 h + 2 h = 5 h: 1 x 60.00
    assert "p2-response: 1 late ticket x EUR 60.00 = EUR 60.00" in out
    # P2 resolution (16 h): INC-27-0105 Jan 13 11:00 -> Jan 15 14:00 = 4 h + 7 h + 6 h = 17 h: 1 x 100.00
    assert "p2-resolution: 1 late ticket x EUR 100.00 = EUR 100.00" in out
    # 150 + 140 + 300 + 60 + 100 = 750.00, under the monthly cap of 20% of 7,000.00 = 1,400.00.
    assert "**Total owed: EUR 750.00**" in out
