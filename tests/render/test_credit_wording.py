"""The rendered credit terms say what `credits.base`, `minimum` and the window say (issue 10).

A credit of usage charges is never called a share of "the monthly fee"; a fixed base is worked
out with its own amount; a minimum keeps its currency without pricing; an anchored window is
said as "month from the 16th", never "calendar month". Expected amounts are worked out here
from the file's numbers, not by the renderer's helpers.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from slactl.digest import content_digest
from slactl.model.agreement import Agreement
from slactl.render import Fingerprint, render_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CEC = EXAMPLES / "cec-fy2027-rural-lending.yaml"


def cec() -> dict[str, Any]:
    return yaml.safe_load(CEC.read_text())  # type: ignore[no-any-return]


def prose(data: dict[str, Any]) -> str:
    agreement = Agreement.model_validate(data)
    fp = Fingerprint(content_digest(agreement), "committed", "0" * 40, 1_700_000_000)
    text = render_text(agreement, "md", fp=fp)
    return " ".join(text.replace("\\", "").split())


def credit_section(text: str) -> str:
    start = re.search(r"## [0-9]+\. Service credits", text).start()  # type: ignore[union-attr]
    end = re.search(r"## [0-9]+\. Termination", text).start()  # type: ignore[union-attr]
    return text[start:end]


def test_priced_base_is_the_monthly_fee_worked_from_the_pricing() -> None:
    text = credit_section(prose(cec()))
    # vm-hosting is priced USD 146,400.00 over a 12-month term: USD 12,200.00 a month; the
    # nearest paying band (99.5% to under 99.9%) earns 10%.
    fee = Decimal("146400.00") / 12
    assert "10% credit of the monthly fee for" in text
    assert f"USD {fee * Decimal('0.10'):,.2f} of USD {fee:,.2f}" in text
    assert "A credit is a share of the monthly fee of the service whose level was missed" in text
    assert "Credits for one month never exceed 25% of the monthly fee." in text


def test_fixed_base_is_worked_out_with_its_own_amount() -> None:
    data = cec()
    data["credits"]["base"] = "USD 2,000"
    text = credit_section(prose(data))
    assert "A credit is a share of a fixed monthly fee of USD 2,000.00 for the service whose level was missed" in text
    assert "10% credit of the fixed monthly fee for" in text
    assert "USD 200.00 of USD 2,000.00" in text  # 10% of 2,000
    assert "12,200.00" not in text  # the priced fee is not what credits are a share of
    assert "25% of the fixed monthly fee" in text


def test_usage_base_never_says_monthly_fee_and_states_no_amount() -> None:
    data = cec()
    data["credits"]["base"] = "usage"
    text = credit_section(prose(data))
    assert "monthly fee" not in text
    assert "10% of the window's charges" in text
    assert "the charges for the window of the service whose level was missed" in text
    assert "Credits of one service for one window never exceed 25% of its charges for that window." in text
    assert not re.search(r"USD [0-9,]+\.[0-9]{2} of USD", text)  # no worked amount: usage comes from data


def test_per_event_percent_follows_the_base() -> None:
    data = cec()
    data["credits"]["base"] = "usage"
    data["credits"]["schedules"][0]["per_event"] = {"percent": "5%"}
    text = credit_section(prose(data))
    assert "a credit of 5% of the charges in the window" in text
    data["credits"]["base"] = "USD 1,000"
    text = credit_section(prose(data))
    assert "three outages in a window earn USD 150.00 (the fixed monthly fee USD 1,000.00)" in text  # 3 x 5% x 1,000


def test_minimum_keeps_its_currency_without_pricing() -> None:
    data = cec()
    data.pop("pricing")
    data["credits"]["minimum"] = "EUR 25"
    text = credit_section(prose(data))
    assert "A credit below EUR 25.00 is not issued: a credit worked out at EUR 24.99 is not issued" in text


@pytest.mark.parametrize(
    ("anchor", "said"), [(16, "month from the 16th"), (31, "month from the 31st"), (1, "calendar month")]
)
def test_anchored_window_is_said_as_such_in_every_place(anchor: int, said: str) -> None:
    data = cec()
    level = next(lv for lv in data["service_levels"] if lv["id"] == "hosting-availability")
    level["window_anchor"] = anchor
    text = prose(data)
    row = re.search(r"\| [^|]*[Hh]osting[^|]* \| 99\.9% availability \| [^|]* \| ([^|]+) \|", text)
    assert row is not None
    assert row.group(1).strip() == f"per {said}"
    assert f"At 99.5% availability in a {said}, the customer receives" in text
    assert f"missed in 2 of 3 consecutive {said.replace('month', 'months', 1)})" in text
