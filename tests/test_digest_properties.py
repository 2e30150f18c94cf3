"""The content digest means the content (issue 9): equal digest <=> equal meaning, equal output.

What a spelling means is decided here by an independent reading written from docs/format.md
("Value formats" and "Durations"), not from ``slactl.model.types``: a duration is a kind of
clock (hours and minutes on the service level's calendar, calendar days and weeks, business
days) and an exact length; an amount and a percentage are exact numbers. Hypothesis searches
spellings for a pair whose digests agree while the meanings differ, or the other way round, and
checks that two documents with equal digests render to the same text and report the same
results on the same data.
"""

from __future__ import annotations

import copy
import json
import re
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from slactl.digest import canonical_json, content_digest
from slactl.errors import SlactlError
from slactl.loading import load_path
from slactl.model.agreement import Agreement
from slactl.model.types import Amount, Duration, DurationT, Number, Percent, PercentT, Score, Target
from slactl.render import Fingerprint, render_text
from slactl.report import build_report
from slactl.report.render import to_json
from slactl.semdiff import diff_documents

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "agreement.yaml"
BASE: dict[str, Any] = load_path(FIXTURE).data
NOW = datetime(2028, 2, 1, tzinfo=UTC)
# The data of tests/report/test_report.py: tickets on the business calendar and on the 24x7 one.
TICKETS = """id,priority,service,opened,first_response,resolved,on_hold
T1,P1,desk,2027-01-15 16:55,2027-01-19 09:10,2027-01-19 10:00,
T2,P1,desk,2027-01-20 10:00,2027-01-20 10:20,2027-01-20 11:00,
T3,P2,desk,2027-02-04 09:00,2027-02-04 09:30,2027-02-09 10:00,2027-02-05T12:00/2027-02-08T12:00
T4,P3,desk,2027-03-13 12:00,2027-03-13 12:05,2027-03-15 12:00,
T6,P2,desk,2027-03-16 16:00,2027-03-16 16:10,2027-03-18 09:00,
H1,P1,hosting,2027-02-11 10:00,2027-02-11 10:30,2027-02-11 12:00,
"""
OUTAGES = """id,service,start,end,planned
OUT-1,hosting,2027-01-20 10:00,2027-01-20 11:00,no
OUT-2,hosting,2027-02-10 00:00,2027-02-10 12:00,no
S-1,storage,2027-01-25 10:00,2027-01-25 10:10,no
"""
SURVEYS = "ticket,date,score\nT1,,3\nT2,2027-01-21,5\n"

Draw = Callable[[st.SearchStrategy[Any]], Any]  # a composite's draw, or st.data().draw
PROPS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --------------------------------------------------------------------------- the independent reading

Kind = str  # "clock": hours/minutes on the calendar; "calendar": wall-clock days; "business": open days
Meaning = tuple[Kind, Fraction]

# docs/format.md, "Durations": the unit words, and what each counts.
_WORDS: dict[str, tuple[Kind, int]] = {}
for _words, _meaning in (
    (("m", "min", "minute", "minutes"), ("clock", 60)),
    (("h", "hr", "hour", "hours", "business hour", "business hours"), ("clock", 3600)),
    (("d", "day", "days", "calendar day", "calendar days"), ("calendar", 86400)),
    (("w", "wk", "week", "weeks"), ("calendar", 604800)),
    (("bd", "business day", "business days", "working day", "working days"), ("business", 1)),
):
    for _word in _words:
        _WORDS[_word] = _meaning
_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(" + "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True)) + r")\b")
_ISO = re.compile(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+)S)?)?")


def duration_meaning(text: str) -> Meaning:
    """What a duration means, read as docs/format.md says.

    Parts add up; business days do not mix; days and weeks alone are calendar days, and a
    duration with hours or minutes among its parts (``1 day 12 hours``, ``P1DT12H``) counts
    hours on the calendar, like ``36h``.
    """
    text = text.strip()
    iso = _ISO.fullmatch(text)
    if iso and text not in ("P", "PT"):
        w, d, h, m, s = (Fraction(g) if g else None for g in iso.groups())
        seconds = sum(
            (x * size for x, size in ((w, 604800), (d, 86400), (h, 3600), (m, 60), (s, 1)) if x is not None),
            Fraction(0),
        )
        return ("clock" if (h, m, s) != (None, None, None) else "calendar"), seconds
    pos, kinds, total = 0, set(), Fraction(0)
    while pos < len(text):
        part = _PART.match(text, pos)
        assert part, f"not a duration per docs/format.md: {text!r}"
        kind, size = _WORDS[part.group(2)]
        kinds.add(kind)
        total += Fraction(part.group(1)) * size
        pos = part.end()
    assert kinds and (kinds == {"business"} or "business" not in kinds), text
    return ("calendar" if kinds == {"calendar"} else next(iter(kinds)) if len(kinds) == 1 else "clock"), total


def money_meaning(value: str | int) -> Fraction:
    """An amount: an integer, or text with an exact decimal and thousands separators."""
    if isinstance(value, int):
        return Fraction(value)
    assert re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?|-?\d+(\.\d+)?", value), value
    return Fraction(value.replace(",", ""))


def percent_meaning(value: str) -> Fraction:
    """A number with a % sign."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*", value)
    assert match, value
    return Fraction(match.group(1))


# --------------------------------------------------------------------------- spellings


def dec(x: Fraction, pad: int = 0) -> str | None:
    """x as exact decimal text ('1.5'), None when it has no finite decimal expansion."""
    den = x.denominator
    twos = fives = 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    if den != 1:
        return None
    places = max(twos, fives)
    digits = str(x.numerator * 10**places // x.denominator)
    if places:
        digits = digits.rjust(places + 1, "0")
        digits = f"{digits[:-places]}.{digits[-places:]}"
    if pad:
        digits += ("" if "." in digits else ".") + "0" * pad
    return digits


def duration_spellings(kind: Kind, length: Fraction) -> list[str]:
    """Every way this file knows to write ``length`` (seconds, or open days) on ``kind``'s clock."""
    out: list[str] = []

    def add(fmt: str, *values: Fraction, pad: int = 0) -> None:
        texts = [dec(v, pad) for v in values]
        if all(t is not None for t in texts):
            out.append(fmt.format(*texts))

    if kind == "business":
        for pad in (0, 1):
            add("{} business days", length, pad=pad)
            add("{} bd", length, pad=pad)
            add("{}bd", length, pad=pad)
            add("{} working days", length, pad=pad)
        return out
    if kind == "clock":
        hours, rest = divmod(length, 3600)
        days, day_rest = divmod(length, 86400)
        add("{}h", length / 3600)
        add("{} hours", length / 3600, pad=1)
        add("{} business hours", length / 3600)
        add("{} minutes", length / 60)
        add("{}min", length / 60)
        if hours and rest:
            add("{}h {}m", Fraction(hours), rest / 60)
            add("{} hours {} minutes", Fraction(hours), rest / 60)
        add("PT{}H", length / 3600)
        add("PT{}M", length / 60)
        if length % 60 == 0:
            add("PT{}S", length)
        if days:
            add("{} days {} hours", Fraction(days), day_rest / 3600)  # a mixed duration is clock time
            add("{}d {}m", Fraction(days), day_rest / 60)
            add("P{}DT{}H", Fraction(days), day_rest / 3600)
        return out
    weeks, week_rest = divmod(length, 604800)
    add("{} days", length / 86400)
    add("{} days", length / 86400, pad=2)
    add("{}d", length / 86400)
    add("{} calendar days", length / 86400)
    add("{} weeks", length / 604800)
    add("{}w", length / 604800, pad=1)
    if weeks and week_rest:
        add("{} weeks {} days", Fraction(weeks), week_rest / 86400)
        add("{}w {}d", Fraction(weeks), week_rest / 86400)
    if length % 86400 == 0:
        add("P{}D", length / 86400)
        if weeks and week_rest:
            add("P{}W{}D", Fraction(weeks), week_rest / 86400)
        if not week_rest:
            add("P{}W", Fraction(weeks))
    return out


# Lengths in seconds chosen so that one length has clock, calendar and mixed spellings.
LENGTHS = [0, 30, 1800, 2700, 3600, 5400, 10800, 43200, 86400, 129600, 604800, 648000, 1209600]
OPEN_DAYS = ["0", "0.5", "1", "1.5", "2", "7"]


@st.composite
def duration_meanings(draw: st.DrawFn) -> Meaning:
    kind = draw(st.sampled_from(["clock", "calendar", "business"]))
    if kind == "business":
        return kind, Fraction(draw(st.sampled_from(OPEN_DAYS)))
    length = Fraction(draw(st.sampled_from(LENGTHS)))
    if not duration_spellings(kind, length):  # e.g. 30 seconds has no calendar-day spelling
        kind = "clock"
    return kind, length


def spell_duration(draw: Draw, meaning: Meaning) -> str:
    text: str = draw(st.sampled_from(duration_spellings(*meaning)))
    assert duration_meaning(text) == meaning, (text, meaning)  # the generator and the reading agree
    return text


AMOUNTS = ["0", "1", "1.5", "12", "2400", "2400.5", "28800", "1234567.89", "-1.5"]


def money_spellings(value: Fraction) -> list[str | int]:
    plain = dec(value)
    assert plain is not None
    out: list[str | int] = [plain, dec(value, 2) or plain]
    if value.denominator == 1:
        out.append(int(value))
    whole, _, frac = plain.lstrip("-").partition(".")
    sign = "-" if value < 0 else ""
    if len(whole) > 3:
        out.append(f"{sign}{int(whole):,}" + (f".{frac}" if frac else ".00"))
    if value == 0:
        out += ["-0", "-0.00", "0.000"]
    return out


def spell_money(draw: Draw, value: Fraction) -> str | int:
    spelled: str | int = draw(st.sampled_from(money_spellings(value)))
    assert money_meaning(spelled) == value
    return spelled


PERCENTS = ["0", "10", "25", "50", "99", "99.5", "99.9", "99.95", "100"]


def spell_percent(draw: Draw, value: Fraction) -> str:
    number = dec(value, draw(st.sampled_from([0, 0, 1, 2])))
    spelled: str = draw(st.sampled_from([f"{number}%", f"{number} %", f" {number}%"]))
    assert percent_meaning(spelled) == value
    return spelled


# --------------------------------------------------------------------------- documents

Data = dict[str, Any]


def level(data: Data, ident: str) -> Data:
    found: Data = next(x for x in data["service_levels"] if x["id"] == ident)
    return found


def agreement(data: Data) -> Agreement:
    return Agreement.model_validate(data)


def spelled(put: Callable[[Data, Any], None], value: Any) -> Callable[[Data], None]:
    return lambda d: put(d, value)


def digest_with(edit: Callable[[Data], None]) -> str:
    data = copy.deepcopy(BASE)
    edit(data)
    return content_digest(agreement(data))


# Where a value goes in the report fixture: a slot is (name, kind of value, setter).
def _set_target(ident: str) -> Callable[[Data, Any], None]:
    def put(d: Data, v: Any) -> None:
        level(d, ident)["target"] = v

    return put


def _set_notice(d: Data, v: Any) -> None:
    d["termination"]["notice"] = v


def _set_attainment(d: Data, v: Any) -> None:
    level(d, "p1-response")["attainment"] = v


def _set_cap(d: Data, v: Any) -> None:
    d["credits"]["monthly_cap"] = v


def _set_price(d: Data, v: Any) -> None:
    d["pricing"]["items"][1]["unit_price"] = v


def _set_total(d: Data, v: Any) -> None:
    d["pricing"]["total"] = v


DURATION_SLOTS = {
    "p2 target (business calendar)": _set_target("p2-resolution"),
    "p3 target (24x7 calendar)": _set_target("p3-wall"),
    "termination notice": _set_notice,
}


# --------------------------------------------------------------------------- the named case


def test_one_and_a_half_calendar_days_is_not_36_business_hours() -> None:
    # Issue 9: '1.5 days' fell through to '36 hours' in the canonical form, so approving one
    # approved the other, while render and report read them differently.
    calendar_days = digest_with(lambda d: level(d, "p2-resolution").update(target="1.5 days"))
    business_hours = digest_with(lambda d: level(d, "p2-resolution").update(target="36h"))
    assert calendar_days != business_hours
    assert digest_with(lambda d: level(d, "p2-resolution").update(target="1 day 12 hours")) == business_hours
    assert digest_with(lambda d: level(d, "p2-resolution").update(target="P1DT12H")) == business_hours
    assert digest_with(lambda d: level(d, "p2-resolution").update(target="2160 minutes")) == business_hours


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1.5 days", "36h"),
        ("0.5 weeks", "84 hours"),
        ("1 week 0.5 days", "180 hours"),  # weeks and days alone are calendar days, fractions too
        ("P0D", "0h"),  # zero calendar days is not zero business time
        ("0 days", "0 minutes"),
    ],
)
def test_calendar_and_clock_spellings_of_one_length_differ(a: str, b: str) -> None:
    assert duration_meaning(a)[1] == duration_meaning(b)[1] and duration_meaning(a)[0] != duration_meaning(b)[0]
    for put in DURATION_SLOTS.values():
        assert digest_with(spelled(put, a)) != digest_with(spelled(put, b))


def test_the_canonical_form_reads_back_as_what_was_written() -> None:
    # The history cache and the semantic diff read durations back from the canonical dump.
    from slactl.model.types import parse_duration

    for text in ("1.5 days", "36h", "0.5 weeks", "1 week 0.5 days", "P0D", "PT30S", "7 days", "1.5 bd"):
        dumped = TypeAdapter(DurationT).dump_python(parse_duration(text), mode="json")
        assert duration_meaning(dumped) == duration_meaning(text), (text, dumped)


def test_semantic_diff_reports_calendar_days_to_business_hours() -> None:
    old = copy.deepcopy(BASE)
    new = copy.deepcopy(BASE)
    level(old, "p2-resolution")["target"] = "1.5 days"
    level(new, "p2-resolution")["target"] = "36h"
    (change,) = diff_documents(agreement(old), agreement(new))
    assert change.label == "Service levels › p2-resolution › Target"
    assert (change.old, change.new) == ("1 calendar day 12 hours", "36 business hours")
    # Equal lengths on two different clocks: which side it favours depends on the calendar.
    assert change.favour is None


@pytest.mark.parametrize(
    ("ident", "old", "new", "favour"),
    [
        # 36 business hours on Mon-Fri 08:00-17:00 are four open days, longer than 2 calendar
        # days: neither side can be named without the data, so no side is.
        ("p2-resolution", "2 days", "36h", None),
        ("p2-resolution", "30h", "36h", "provider"),
        ("p2-resolution", "3 days", "2 days", "customer"),
        # On a 24x7 calendar hours are wall-clock hours: 36 of them are shorter than 2 days.
        ("p3-wall", "2 days", "36h", "customer"),
    ],
)
def test_semantic_diff_compares_lengths_only_on_one_clock(ident: str, old: str, new: str, favour: str | None) -> None:
    before, after = copy.deepcopy(BASE), copy.deepcopy(BASE)
    level(before, ident)["target"] = old
    level(after, ident)["target"] = new
    (change,) = diff_documents(agreement(before), agreement(after))
    assert change.favour == favour


def test_numbers_are_never_rounded_into_one_another() -> None:
    # Decimal's default context keeps 28 digits: normalize() rounded 30-digit values together.
    a, b = Decimal("1234567890123456789012345678.91"), Decimal("1234567890123456789012345678.92")
    for annotation in (Amount, Number):
        adapter: TypeAdapter[Any] = TypeAdapter(annotation)
        assert adapter.dump_python(a, mode="json") != adapter.dump_python(b, mode="json")
        assert adapter.dump_python(a, mode="json") == "1234567890123456789012345678.91"
    # Built directly: the parsers may bound the digits they accept; the serializers never round.
    long_percent = Percent(Decimal("99.999999999999999999999999999991"))
    assert TypeAdapter(PercentT).dump_python(long_percent, mode="json") == "99.999999999999999999999999999991%"
    long_score = Score(Decimal("4.5000000000000000000000000000001"), Decimal(5))
    assert TypeAdapter(Target).dump_python(long_score, mode="json") == "4.5000000000000000000000000000001/5"
    long_days = Duration(Decimal("1.0000000000000000000000000000001"), "weeks")
    assert TypeAdapter(DurationT).dump_python(long_days, mode="json") == "7.0000000000000000000000000000007 days"


# --------------------------------------------------------------------------- spellings: digest equal <=> meaning equal


@st.composite
def duration_pairs(draw: st.DrawFn) -> tuple[str, str, Meaning, Meaning]:
    first = draw(duration_meanings())
    # The same length on the other clock is the collision that matters; the same meaning, the
    # equivalence that must hold; anything else, the background.
    other_clock = [(k, first[1]) for k in ("clock", "calendar") if first[0] != "business" and k != first[0]]
    other_clock = [m for m in other_clock if duration_spellings(*m)]
    second = draw(st.sampled_from([first, first, *other_clock, draw(duration_meanings())]))
    return spell_duration(draw, first), spell_duration(draw, second), first, second


@PROPS
@given(duration_pairs(), st.sampled_from(sorted(DURATION_SLOTS)))
@example(
    ("1.5 days", "36h", ("calendar", Fraction(129600)), ("clock", Fraction(129600))),
    "p2 target (business calendar)",
)
@example(("7 days", "1 week", ("calendar", Fraction(604800)), ("calendar", Fraction(604800))), "termination notice")
@example(("P0D", "0 days", ("calendar", Fraction(0)), ("calendar", Fraction(0))), "termination notice")
def test_duration_spellings_digest_alike_exactly_when_they_mean_alike(
    pair: tuple[str, str, Meaning, Meaning], slot: str
) -> None:
    a, b, meaning_a, meaning_b = pair
    assert (duration_meaning(a), duration_meaning(b)) == (meaning_a, meaning_b)
    put = DURATION_SLOTS[slot]
    same_digest = digest_with(lambda d: put(d, a)) == digest_with(lambda d: put(d, b))
    assert same_digest == (meaning_a == meaning_b), (a, b, meaning_a, meaning_b)


@PROPS
@given(st.data())
def test_money_spellings_digest_alike_exactly_when_they_mean_alike(data: st.DataObject) -> None:
    first = Fraction(data.draw(st.sampled_from(AMOUNTS)))
    second = data.draw(st.sampled_from([first, Fraction(data.draw(st.sampled_from(AMOUNTS)))]))
    a = data.draw(st.sampled_from(money_spellings(first)))
    b = data.draw(st.sampled_from(money_spellings(second)))
    assert (money_meaning(a), money_meaning(b)) == (first, second)
    same_digest = digest_with(lambda d: _set_price(d, a)) == digest_with(lambda d: _set_price(d, b))
    assert same_digest == (first == second), (a, b)


def test_negative_zero_is_zero() -> None:
    assert digest_with(lambda d: _set_price(d, "-0")) == digest_with(lambda d: _set_price(d, 0))
    assert digest_with(lambda d: _set_price(d, "-0.00")) == digest_with(lambda d: _set_price(d, "0"))


@PROPS
@given(st.data())
def test_percent_spellings_digest_alike_exactly_when_they_mean_alike(data: st.DataObject) -> None:
    first = Fraction(data.draw(st.sampled_from(PERCENTS)))
    second = data.draw(st.sampled_from([first, Fraction(data.draw(st.sampled_from(PERCENTS)))]))
    slot = data.draw(st.sampled_from([_set_cap, _set_attainment, _set_target("hosting-availability")]))
    a, b = spell_percent(data.draw, first), spell_percent(data.draw, second)
    same_digest = digest_with(lambda d: slot(d, a)) == digest_with(lambda d: slot(d, b))
    assert same_digest == (first == second), (a, b)


# --------------------------------------------------------------------------- documents: equal digest => equal output


def render_md(doc: Agreement) -> str:
    # Markdown and HTML are made from one view of the document (tests/render/test_render.py checks
    # their parity), so the Markdown text stands for both here.
    return render_text(doc, "md", fp=Fingerprint(content_digest(doc), "committed", "0" * 40, 1_700_000_000))


def report_of(doc_data: Data, folder: Path) -> str:
    """The JSON report of the agreement on the fixed data, always from the same path."""
    path = folder / "agreement.yaml"
    path.write_text(yaml.safe_dump(doc_data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    try:
        report = build_report(
            path,
            tickets=folder / "tickets.csv",
            outages=folder / "outages.csv",
            surveys=folder / "surveys.csv",
            period="2027-01-01..2027-03-31",
            now=NOW,
        )
    except SlactlError as exc:
        return f"refused: {exc}"
    return to_json(report)


@st.composite
def document_pairs(draw: st.DrawFn) -> tuple[Data, Data, bool]:
    """Two variants of the report fixture, spelled independently; whether they mean the same."""
    a, b = copy.deepcopy(BASE), copy.deepcopy(BASE)
    same = True
    alike = draw(st.booleans())  # half the pairs mean the same throughout, spelled differently

    def pick(values: st.SearchStrategy[Any]) -> tuple[Any, Any]:
        nonlocal same
        first = draw(values)
        second = first if alike or draw(st.integers(0, 3)) else draw(values)
        same = same and first == second
        return first, second

    time_levels = ("p1-response", "p2-resolution", "p3-wall", "hosting-response")
    for ident in draw(st.lists(st.sampled_from(time_levels), unique=True, max_size=3)):
        x, y = pick(duration_meanings())
        level(a, ident)["target"], level(b, ident)["target"] = spell_duration(draw, x), spell_duration(draw, y)
    x, y = pick(duration_meanings())
    _set_notice(a, spell_duration(draw, x))
    _set_notice(b, spell_duration(draw, y))
    for put in (_set_attainment, _set_cap, _set_target("hosting-availability")):
        x, y = pick(st.sampled_from(PERCENTS).map(Fraction))
        put(a, spell_percent(draw, x))
        put(b, spell_percent(draw, y))
    x, y = pick(st.sampled_from(["1000", "1000", "2400.5", "0"]).map(Fraction))
    _set_price(a, spell_money(draw, x))
    _set_price(b, spell_money(draw, y))
    x, y = pick(st.sampled_from(["40800", "40800", "12"]).map(Fraction))
    _set_total(a, spell_money(draw, x))
    _set_total(b, spell_money(draw, y))
    return a, b, same


def variants(*edits: tuple[Callable[[Data, Any], None], Any, Any]) -> tuple[Data, Data, bool]:
    """Two variants of the report fixture that differ only in the spellings given."""
    a, b = copy.deepcopy(BASE), copy.deepcopy(BASE)
    for put, x, y in edits:
        put(a, x)
        put(b, y)
    return a, b, True


@settings(PROPS, max_examples=30)
@given(document_pairs())
@example(variants((_set_target("p3-wall"), "7 days", "1 week"), (_set_notice, "P14D", "2 weeks")))
@example(variants((_set_target("p2-resolution"), "0.5 weeks", "3.5 days"), (_set_notice, "1w 0.5d", "7.5 days")))
@example(
    variants((_set_target("p1-response"), "P0D", "0 weeks"), (_set_price, "-0.00", 0), (_set_cap, "30.0 %", "30%"))
)
def test_documents_with_equal_digests_render_and_report_alike(pair: tuple[Data, Data, bool]) -> None:
    data_a, data_b, same_meaning = pair
    doc_a, doc_b = agreement(data_a), agreement(data_b)
    equal = content_digest(doc_a) == content_digest(doc_b)
    assert equal == same_meaning, canonical_json(doc_a).decode()
    if not equal:
        return
    assert render_md(doc_a) == render_md(doc_b)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "tickets.csv").write_text(TICKETS, encoding="utf-8")
        (folder / "outages.csv").write_text(OUTAGES, encoding="utf-8")
        (folder / "surveys.csv").write_text(SURVEYS, encoding="utf-8")
        assert report_of(data_a, folder) == report_of(data_b, folder)


def test_the_named_pair_renders_and_reports_differently() -> None:
    # The reason the digests must differ: '1.5 days' and '36h' are different commitments.
    a, b = copy.deepcopy(BASE), copy.deepcopy(BASE)
    level(a, "p2-resolution")["target"] = "1.5 days"
    level(b, "p2-resolution")["target"] = "36h"
    assert render_md(agreement(a)) != render_md(agreement(b))
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "tickets.csv").write_text(TICKETS, encoding="utf-8")
        (folder / "outages.csv").write_text(OUTAGES, encoding="utf-8")
        (folder / "surveys.csv").write_text(SURVEYS, encoding="utf-8")
        report_a, report_b = report_of(a, folder), report_of(b, folder)
    assert "within 1 calendar day 12 hours" in report_a and "within 36 business hours" in report_b
    # T3 took 19 business hours but 49 wall-clock hours (on hold over the weekend excluded).
    feb = [
        w["status"]
        for r in (report_a, report_b)
        for lv in json.loads(r)["levels"]
        if lv["id"] == "p2-resolution"
        for w in lv["windows"]
        if w["label"] == "Feb 2027"
    ]
    assert feb == ["missed", "met"]
