"""slactl.semdiff: changes between two validated documents, in business terms."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from slactl.loading import load_path
from slactl.model import Agreement, Catalog
from slactl.semdiff import Change, diff_dumps, dump_of, unkeyed_lists

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CEC = EXAMPLES / "cec-fy2027-rural-lending.yaml"
ITHR = EXAMPLES / "it-hr-support-fy2027.yaml"

Data = dict[str, Any]


def data_of(path: Path) -> Data:
    return copy.deepcopy(load_path(path).data)  # type: ignore[no-any-return]


def dump(data: Data) -> Data:
    model = Catalog if data.get("kind") == "Catalog" else Agreement
    return dump_of(model.model_validate(data))


def changed(path: Path, edit: Callable[[Data], None]) -> list[Change]:
    before = data_of(path)
    after = copy.deepcopy(before)
    edit(after)
    return diff_dumps(dump(before), dump(after))


def level(data: Data, ident: str) -> Data:
    return next(x for x in data["service_levels"] if x["id"] == ident)  # type: ignore[no-any-return]


def only(changes: list[Change]) -> Change:
    assert len(changes) == 1, [c.sentence() for c in changes]
    return changes[0]


def test_equal_documents_have_no_changes() -> None:
    assert diff_dumps(dump(data_of(CEC)), dump(data_of(CEC))) == []


def test_a_changed_target_is_said_in_business_terms_with_its_calendar() -> None:
    def edit(d: Data) -> None:
        level(d, "help-desk-p1-response")["target"] = "15 minutes"

    change = only(changed(ITHR, edit))
    assert change.kind == "changed"
    assert change.section == "Service levels"
    assert change.label == "Service levels › help-desk-p1-response › Target"
    assert (change.old, change.new) == ("30 business minutes", "15 business minutes")
    assert change.sentence() == f"{change.label}: 30 business minutes → 15 business minutes"
    assert change.favour == "customer"  # a shorter response time is tighter
    assert change.path == ("service_levels", "help-desk-p1-response", "target")
    assert (change.old_value, change.new_value) == ("30 minutes", "15 minutes")


def test_a_week_target_on_a_business_calendar_stays_calendar_time() -> None:
    def edit(d: Data) -> None:
        level(d, "new-user-response")["target"] = "2 weeks"

    change = only(changed(ITHR, edit))
    assert (change.old, change.new) == ("1 week", "2 weeks")
    assert change.favour == "provider"


@pytest.mark.parametrize(
    ("ident", "new", "favour"),
    [
        ("hosting-availability", "99.95%", "customer"),  # at_least: higher is tighter
        ("hosting-availability", "99.5%", "provider"),
        ("desk-p2-resolution", "1 business day", "customer"),  # at_most: shorter is tighter
        ("desk-p2-resolution", "3 business days", "provider"),
        ("desk-p1-response", "2 business days", None),  # hours against business days: no order
        ("customer-satisfaction", "4.5/5", "customer"),
    ],
)
def test_target_favour_follows_the_direction_of_the_level(ident: str, new: str, favour: str | None) -> None:
    def edit(d: Data) -> None:
        level(d, ident)["target"] = new

    assert only(changed(CEC, edit)).favour == favour


def test_an_explicit_at_most_comparison_reverses_the_favour() -> None:
    def edit(d: Data) -> None:
        level(d, "hris-incidents")["target"] = 1

    assert only(changed(ITHR, edit)).favour == "customer"  # incident counts: at most, fewer is tighter

    def both(d: Data) -> None:
        level(d, "hosting-availability")["comparison"] = "at_most"
        level(d, "hosting-availability")["target"] = "99.95%"

    target = next(c for c in changed(CEC, both) if c.path[-1] == "target")
    assert target.favour is None  # the direction changed too: no clear favour


@pytest.mark.parametrize(
    ("edit", "label", "old", "new", "favour"),
    [
        (lambda d: d["credits"].update(monthly_cap="20%"), "Credits › Monthly cap", "25%", "20%", "provider"),
        (
            lambda d: d["credits"].update(claim_window="60 days"),
            "Credits › Claim window",
            "30 days",
            "60 days",
            "customer",
        ),
        (lambda d: d["termination"].update(notice="90 days"), "Termination › Notice", "60 days", "90 days", "customer"),
        (
            lambda d: d["term"]["renewal"].update(notice="30 days"),
            "Term › Renewal › Notice",
            "90 days",
            "30 days",
            "provider",
        ),
        (
            lambda d: d["pricing"].update(total="448,100.00"),
            "Pricing › Total",
            "USD 448,200.00",
            "USD 448,100.00",
            "customer",
        ),
        (
            lambda d: d["escalation"]["levels"][1].update(after="2 business days"),
            "Escalation › Levels › Level 2 › After",
            "1 business day",
            "2 business days",
            "provider",
        ),
        (
            lambda d: d["credits"]["schedules"][0]["bands"][0].update(credit="12%"),
            "Credits › Schedules › hosting-availability › Bands › 99.5% to 99.9% › Credit",
            "10%",
            "12%",
            "customer",
        ),
        (
            lambda d: d["pricing"]["payment_schedule"][0].update(amount="112,000.00"),
            "Pricing › Payment schedule › October 15, 2026 › Amount",
            "USD 112,050.00",
            "USD 112,000.00",
            None,
        ),
        (
            lambda d: d["services"][3].update(custom_fee="1,400.00"),
            "Services › portfolio-extract › Custom fee",
            "USD 1,500.00",
            "USD 1,400.00",
            "customer",
        ),
        (
            lambda d: d["metadata"].update(title="New title"),
            "Metadata › Title",
            "Service Level Agreement for IT Services to the Rural Lending Program Office, FY2027",
            "New title",
            None,
        ),
    ],
)
def test_changes_are_labelled_said_and_marked(
    edit: Callable[[Data], None], label: str, old: str, new: str, favour: str | None
) -> None:
    change = only(changed(CEC, edit))
    assert (change.label, change.old, change.new, change.favour) == (label, old, new, favour)


def test_reordering_keyed_lists_and_plain_lists_is_not_a_change() -> None:
    def edit(d: Data) -> None:
        d["service_levels"].reverse()
        d["services"].reverse()
        d["parties"]["customer"]["contacts"].reverse()
        d["pricing"]["items"].reverse()
        d["pricing"]["payment_schedule"].reverse()
        d["escalation"]["levels"].reverse()
        d["credits"]["schedules"].reverse()
        d["credits"]["schedules"][0]["bands"].reverse()
        d["approvals"]["stages"].reverse()
        d["constraints"]["exclusions"].reverse()
        d["signatories"].reverse()
        d["distribution"].reverse()

    assert changed(CEC, edit) == []


def test_equivalent_spellings_are_not_a_change() -> None:
    def edit(d: Data) -> None:
        level(d, "desk-p1-response")["target"] = "60 minutes"  # was 1h
        d["pricing"]["total"] = 448200  # was "448,200.00"

    assert changed(CEC, edit) == []


def test_items_added_and_removed_are_matched_by_key_not_position() -> None:
    def edit(d: Data) -> None:
        new = {"id": "new-level", "service": "storage", "metric": "availability", "target": "99.5%"}
        d["service_levels"].insert(0, {**new, "window": "calendar_month", "calendar": "always"})
        d["service_levels"] = [x for x in d["service_levels"] if x["id"] != "extract-delivery"]

    changes = changed(CEC, edit)
    assert [(c.kind, c.label, c.favour) for c in changes] == [
        ("added", "Service levels › new-level", "customer"),
        ("removed", "Service levels › extract-delivery", "provider"),
    ]
    assert changes[0].new is not None and changes[0].new.startswith("storage: 99.5% availability per calendar month")
    assert changes[1].old is not None and "3 business days" in changes[1].old


def test_plain_lists_report_items_added_and_removed() -> None:
    def edit(d: Data) -> None:
        d["constraints"]["exclusions"] = ["Training.", d["constraints"]["exclusions"][0]]

    changes = changed(CEC, edit)
    assert [(c.kind, c.label) for c in changes] == [
        ("removed", "Constraints › Exclusions"),
        ("added", "Constraints › Exclusions"),
    ]
    assert changes[0].old == "Support for personally owned devices."
    assert changes[1].new == "Training."


def test_optional_sections_and_maintenance_windows() -> None:
    def edit(d: Data) -> None:
        del d["credits"]["monthly_cap"]
        window = {"name": "Quarterly DR test", "schedule": {"sat": "00:00-08:00"}}
        level(d, "hosting-availability")["exclusions"].append(window)
        level(d, "hosting-availability")["measurement"]["planned_maintenance"] = "counted_as_up"

    by_label = {c.label: c for c in changed(CEC, edit)}
    cap = by_label["Credits › Monthly cap"]
    assert (cap.kind, cap.old, cap.favour) == ("removed", "25%", "customer")
    window = by_label["Service levels › hosting-availability › Exclusions › Quarterly DR test"]
    assert (window.kind, window.favour) == ("added", "provider")
    upkeep = by_label["Service levels › hosting-availability › Measurement › Planned maintenance"]
    assert upkeep.favour == "provider"


def test_calendars_are_keyed_by_name_and_holidays_said_as_dates() -> None:
    def edit(d: Data) -> None:
        d["calendars"]["city-hours"]["holidays"].append("2027-07-05")

    change = only(changed(ITHR, edit))
    assert (change.kind, change.label, change.new, change.favour) == (
        "added",
        "Calendars › city-hours › Holidays",
        "July 5, 2027",
        "provider",
    )


def test_catalog_prices() -> None:
    def edit(d: Data) -> None:
        d["services"][0]["unit_price"] = "40.00"

    change = only(changed(EXAMPLES / "catalog.yaml", edit))
    assert change.label.endswith("› Unit price")
    assert change.favour == "customer"


def test_every_list_of_models_has_a_key() -> None:
    assert unkeyed_lists("Agreement") == []
    assert unkeyed_lists("Catalog") == []


def test_a_change_survives_its_json_form() -> None:
    def edit(d: Data) -> None:
        level(d, "desk-p1-response")["target"] = "30 minutes"

    change = only(changed(CEC, edit))
    assert Change.from_dict(change.as_dict()) == change
