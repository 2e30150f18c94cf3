"""`slactl credits` works out every credit term the report does (issue 10).

Credits per late ticket or outage (`--events`), a usage base (the window's charges given with
`--fee`), a fixed base, the minimum and the caps. Amounts are worked out here by hand from the
files' numbers; one window of the public-sector example is checked against the report's line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from slactl.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ES = EXAMPLES / "public-sector-es-support.yaml"
CLOUD = EXAMPLES / "cloud-compute-public-sla.yaml"


def credits(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[int, str]:
    code = main(["credits", str(path), *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_credit_per_late_ticket_alone(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = credits(capsys, ES, "--service-level", "p1-response", "--events", "3")
    assert code == 0, out
    assert out.strip() == "3 late tickets x EUR 150.00 = EUR 450.00."  # 3 x 150


def test_band_and_per_event_add_up_then_the_monthly_cap(capsys: pytest.CaptureFixture[str]) -> None:
    # p1-resolution: below 80% earns 2% of the monthly fee (84,000 / 12 = 7,000 -> 140.00), plus
    # EUR 300 per late ticket; the monthly cap is 20% of 7,000 = 1,400.00.
    args = ("--service-level", "p1-resolution", "--attainment", "66.66")
    code, out = credits(capsys, ES, *args, "--events", "2")
    assert code == 0, out
    assert "= EUR 140.00" in out and "2 late tickets x EUR 300.00 = EUR 600.00" in out
    assert out.strip().endswith("together EUR 740.00.")  # 140 + 600
    code, out = credits(capsys, ES, *args, "--events", "5")  # 140 + 1,500 = 1,640 > 1,400
    assert code == 0, out
    assert "together EUR 1,640.00, capped at the monthly cap of 20%: EUR 1,400.00." in out


def test_the_report_and_credits_agree_on_a_window(capsys: pytest.CaptureFixture[str]) -> None:
    # January 2027 of the example data: p1-resolution 2 of 3 on time (66.66%), 1 late ticket.
    code = main(
        ["report", str(ES), "--period", "2027-01", "--as-of", "2027-02-15", "--tickets",
         str(EXAMPLES / "data" / "public-sector-es-support" / "tickets.csv"), "--format", "json"]
    )  # fmt: skip
    report = capsys.readouterr().out
    assert code == 0, report
    import json

    lines = [ln for ln in json.loads(report)["credits"]["lines"] if ln["service_level"] == "p1-resolution"]
    owed = sum(float(ln["owed"]) for ln in lines)
    code, out = credits(capsys, ES, "--service-level", "p1-resolution", "--attainment", "66.66", "--events", "1")
    assert code == 0, out
    assert f"together EUR {owed:,.2f}." in out  # 140 + 300 = 440 both ways


def cloud_with(tmp_path: Path, **changes: Any) -> Path:
    data = yaml.safe_load(CLOUD.read_text())
    data["credits"].update(changes)
    path = tmp_path / "cloud.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_usage_base_needs_the_window_charges(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("--service-level", "compute-region-uptime", "--availability", "99.5")
    code, out = credits(capsys, CLOUD, *args)
    assert code == 2
    assert "share of the charges for the window (`credits.base: usage`)" in out
    assert "--fee" in out
    code, out = credits(capsys, CLOUD, *args, "--fee", "1250.00")
    assert code == 0, out
    # 99.5% is in the 99% to under 99.95% band: 10% of 1,250.00 = 125.00, above the USD 10 minimum.
    assert out.strip().endswith("10% of the compute charges for the window USD 1,250.00 = USD 125.00.")
    assert "monthly fee" not in out


def test_usage_credit_below_the_minimum_is_not_issued(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = credits(
        capsys, CLOUD, "--service-level", "compute-region-uptime", "--availability", "99.5", "--fee", "80"
    )
    assert code == 0, out
    # 10% of 80.00 = 8.00, below the minimum credit of USD 10.00
    assert "= USD 8.00; that is below the minimum credit of USD 10.00: none is issued." in out


def test_fixed_base_is_the_fee(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = cloud_with(tmp_path, base="USD 2,000", minimum=None)
    code, out = credits(capsys, path, "--service-level", "compute-region-uptime", "--availability", "97")
    assert code == 0, out
    assert out.strip().endswith("30% of the compute monthly fee USD 2,000.00 = USD 600.00.")  # 30% x 2,000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--service-level", "p1-response", "--attainment", "90"), "has no credit bands, only a credit per event"),
        (
            (
                "--service-level",
                "p1-resolution",
            ),
            "give --attainment and --events for p1-resolution",
        ),
        (("--service-level", "p1-resolution", "--events", "-1"), "--events"),
    ],
)
def test_inputs_the_schedule_does_not_take(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out = credits(capsys, ES, *args)
    assert code == 2
    assert message in out


def test_events_on_a_schedule_without_per_event(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = credits(
        capsys, CLOUD, "--service-level", "compute-region-uptime", "--availability", "99.5", "--fee", "100",
        "--events", "2",
    )  # fmt: skip
    assert code == 2
    assert "has no credit per event (`per_event`): leave out --events" in out


def test_a_share_of_all_charges_is_not_capped_from_one_service(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = cloud_with(tmp_path, agreement_cap="5%")
    code, out = credits(
        capsys, path, "--service-level", "compute-region-uptime", "--availability", "97", "--fee", "100"
    )
    assert code == 0, out
    # 30% of 100.00 = 30.00; 5% of every service's charges cannot be known from one service's
    assert "= USD 30.00 (the agreement cap, 5% of every service's charges, needs them all: see `slactl report`)" in out
