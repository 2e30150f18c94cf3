"""Tests for slactl.clock and slactl.holidays: hand-computed fixtures plus properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slactl.clock import (
    BusinessCalendar,
    business_deadline,
    business_elapsed,
    is_business_time,
)
from slactl.holidays import federal_holidays_between, us_federal_holidays

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # 30-minute DST shift
TOKYO = ZoneInfo("Asia/Tokyo")

H = timedelta(hours=1)
M = timedelta(minutes=1)

OFFICE = BusinessCalendar.office_hours("America/New_York")  # Mon-Fri 08-17, federal off
ALWAYS_NY = BusinessCalendar.always("America/New_York")
DAILY_8_17 = BusinessCalendar("America/New_York", dict.fromkeys(range(7), ((time(8), time(17)),)))


def ny(year: int, month: int, day: int, hour: int = 0, minute: int = 0, fold: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY, fold=fold)


# --- federal holidays -------------------------------------------------------------


def test_federal_holidays_2026() -> None:
    # Jan 1 2026 is a Thursday; Jul 4 is a Saturday -> observed Fri Jul 3.
    assert us_federal_holidays(2026) == {
        date(2026, 1, 1): "New Year's Day",  # Thu
        date(2026, 1, 19): "Martin Luther King Jr. Day",  # Mondays 5, 12, 19
        date(2026, 2, 16): "Washington's Birthday",  # Feb 1 Sun; Mondays 2, 9, 16
        date(2026, 5, 25): "Memorial Day",  # May 31 is Sun -> last Mon 25
        date(2026, 6, 19): "Juneteenth National Independence Day",  # Fri
        date(2026, 7, 3): "Independence Day (observed)",  # Jul 4 Sat -> Fri 3
        date(2026, 9, 7): "Labor Day",  # Sep 1 Tue -> first Mon 7
        date(2026, 10, 12): "Columbus Day",  # Oct 1 Thu; Mondays 5, 12
        date(2026, 11, 11): "Veterans Day",  # Wed
        date(2026, 11, 26): "Thanksgiving Day",  # Nov 1 Sun; Thursdays 5, 12, 19, 26
        date(2026, 12, 25): "Christmas Day",  # Fri; Jan 1 2027 is Fri, so no Dec 31
    }


def test_federal_holidays_2027() -> None:
    assert us_federal_holidays(2027) == {
        date(2027, 1, 1): "New Year's Day",  # Fri
        date(2027, 1, 18): "Martin Luther King Jr. Day",  # Mondays 4, 11, 18
        date(2027, 2, 15): "Washington's Birthday",  # Feb 1 Mon; Mondays 1, 8, 15
        date(2027, 5, 31): "Memorial Day",  # May 31 is itself a Monday
        date(2027, 6, 18): "Juneteenth National Independence Day (observed)",  # 19 Sat -> Fri
        date(2027, 7, 5): "Independence Day (observed)",  # Jul 4 Sun -> Mon 5
        date(2027, 9, 6): "Labor Day",  # Sep 1 Wed -> first Mon 6
        date(2027, 10, 11): "Columbus Day",  # Oct 1 Fri; Mondays 4, 11
        date(2027, 11, 11): "Veterans Day",  # Thu
        date(2027, 11, 25): "Thanksgiving Day",  # Nov 1 Mon; Thursdays 4, 11, 18, 25
        date(2027, 12, 24): "Christmas Day (observed)",  # Dec 25 Sat -> Fri 24
        date(2027, 12, 31): "New Year's Day (observed)",  # Jan 1 2028 Sat -> Fri Dec 31
    }


def test_new_year_on_saturday_belongs_to_previous_year() -> None:
    # Jan 1 2028 is a Saturday: observed Fri Dec 31 2027, so 2028 has no New Year entry.
    h2028 = us_federal_holidays(2028)
    assert date(2028, 1, 1) not in h2028
    assert "New Year's Day" not in " ".join(h2028.values())
    assert len(h2028) == 10


def test_juneteenth_starts_2021() -> None:
    assert date(2020, 6, 19) not in us_federal_holidays(2020)
    # Jun 19 2021 was a Saturday -> observed Fri Jun 18.
    assert us_federal_holidays(2021)[date(2021, 6, 18)].endswith("(observed)")


def test_federal_holidays_between_spans_years() -> None:
    # Dec 24 (Christmas obs.), Dec 31 (New Year obs.), MLK 2028 = Mondays 3, 10, 17.
    got = federal_holidays_between(date(2027, 12, 1), date(2028, 1, 31))
    assert list(got) == [date(2027, 12, 24), date(2027, 12, 31), date(2028, 1, 17)]


def test_us_federal_holidays_returns_a_copy() -> None:
    us_federal_holidays(2027).clear()
    assert len(us_federal_holidays(2027)) == 12


# --- calendar value ---------------------------------------------------------------


def test_describe() -> None:
    assert OFFICE.describe() == "Mon-Fri 08:00-17:00 America/New_York, federal holidays excluded"
    assert ALWAYS_NY.describe() == "24x7"
    split = BusinessCalendar(
        "Europe/London",
        {
            0: ((time(9), time(12, 30)), (time(13, 30), time(17, 30))),
            1: ((time(9), time(12, 30)), (time(13, 30), time(17, 30))),
            2: ((time(9), time(12, 30)), (time(13, 30), time(17, 30))),
            4: ((time(9), time(12, 30)), (time(13, 30), time(17, 30))),
            5: ((time(10), None),),
        },
        holidays=frozenset({date(2027, 12, 27), date(2027, 12, 28)}),
    )
    assert split.describe() == (
        "Mon-Wed, Fri 09:00-12:30 and 13:30-17:30; Sat 10:00-24:00 Europe/London, 2 holidays excluded"
    )
    fed_24x7 = BusinessCalendar("UTC", ALWAYS_NY.hours, holidays=frozenset({date(2027, 3, 1)}), federal_holidays=True)
    assert fed_24x7.describe() == "24x7 UTC, federal holidays and 1 other date excluded"
    assert BusinessCalendar("UTC", {}).describe() == "never open (UTC)"


def test_hours_normalisation_and_equality() -> None:
    a = BusinessCalendar("UTC", {0: ((time(8), time(12)), (time(12), time.max))})
    b = BusinessCalendar("UTC", {0: ((time(8), None),), 3: ()})
    # Touching spans merge; time.max means 24:00 (None); missing day == empty day.
    assert a == b
    assert hash(a) == hash(b)
    assert a.hours[0] == ((time(8), None),)
    assert a.hours[6] == ()
    assert BusinessCalendar.always().is_24x7


def test_from_minutes() -> None:
    # 480 = 08:00, 1020 = 17:00; 1440 = 24:00 becomes end=None.
    weekly = {d: [(480, 1020)] for d in range(5)}
    assert BusinessCalendar.from_minutes("America/New_York", weekly, (), True) == OFFICE
    always = BusinessCalendar.from_minutes("America/New_York", {d: [(0, 1440)] for d in range(7)})
    assert always == ALWAYS_NY
    with pytest.raises(ValueError, match="outside"):
        BusinessCalendar.from_minutes("UTC", {0: [(1440, 1440)]})


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({7: ((time(8), time(9)),)}, "weekday"),
        ({0: ((time(17), time(8)),)}, "crosses midnight"),
        ({0: ((time(8), time(12)), (time(11), time(13)))}, "overlapping"),
        ({0: ((time(8, tzinfo=UTC), time(9)),)}, "tzinfo"),
    ],
)
def test_bad_hours_rejected(hours: dict[int, tuple[tuple[time, time]]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar("UTC", hours)


def test_bad_timezone_and_holidays_rejected() -> None:
    with pytest.raises(ValueError, match="time zone"):
        BusinessCalendar("Mars/Olympus_Mons", {})
    with pytest.raises(ValueError, match="date"):
        BusinessCalendar("UTC", {}, holidays=frozenset({datetime(2027, 1, 1)}))


# --- elapsed: fixtures ------------------------------------------------------------


def test_friday_before_mlk_day() -> None:
    # Fri 2027-01-15 16:55 -> Tue 2027-01-19 08:10; Mon 18 is MLK day (closed).
    # Fri 16:55-17:00 = 5 min, Sat/Sun/Mon closed, Tue 08:00-08:10 = 10 min -> 15 min.
    start, first_response = ny(2027, 1, 15, 16, 55), ny(2027, 1, 19, 8, 10)
    assert business_elapsed(OFFICE, start, first_response) == 15 * M
    assert business_deadline(OFFICE, start, 15 * M) == first_response
    # 5 min is used up at Friday's close, not at Tuesday's opening.
    assert business_deadline(OFFICE, start, 5 * M) == ny(2027, 1, 15, 17)


def test_year_end_with_observed_holidays() -> None:
    # Thu 2027-12-23 16:00 -> Mon 2028-01-03 09:00:
    # Thu 16-17 = 1h; Fri 24 closed (Christmas obs.); Mon 27..Thu 30 = 4 x 9h = 36h;
    # Fri 31 closed (New Year 2028 obs.); Mon Jan 3 08-09 = 1h. Total 38h.
    assert business_elapsed(OFFICE, ny(2027, 12, 23, 16), ny(2028, 1, 3, 9)) == 38 * H
    # Thu Dec 30 16:00 + 2h: 1h on Thu, Fri 31 closed, 1h on Mon Jan 3 -> 09:00.
    assert business_deadline(OFFICE, ny(2027, 12, 30, 16), 2 * H) == ny(2028, 1, 3, 9)


def test_whole_year() -> None:
    # 2027: 365 days = 52 weeks + Fri Jan 1 -> 261 weekdays; all 12 observed federal
    # holidays fall on weekdays -> 249 open days x 9h = 2241h.
    assert business_elapsed(OFFICE, ny(2027, 1, 1), ny(2028, 1, 1)) == 2241 * H
    # 24x7 across a year boundary: Dec 31 23:00 -> Jan 1 01:00 = 2h.
    assert business_elapsed(ALWAYS_NY, ny(2027, 12, 31, 23), ny(2028, 1, 1, 1)) == 2 * H


def test_explicit_holiday() -> None:
    cal = BusinessCalendar.office_hours(
        "America/New_York", holidays=frozenset({date(2027, 1, 14)}), federal_holidays=False
    )
    # Wed 13 16:00-17:00 = 1h; Thu 14 closed; Fri 15 08:00-09:00 = 1h -> 2h.
    assert business_elapsed(cal, ny(2027, 1, 13, 16), ny(2027, 1, 15, 9)) == 2 * H


def test_degenerate_and_invalid_inputs() -> None:
    assert business_elapsed(OFFICE, ny(2027, 2, 3, 10), ny(2027, 2, 3, 9)) == timedelta(0)
    assert business_elapsed(OFFICE, ny(2027, 2, 3, 10), ny(2027, 2, 3, 10)) == timedelta(0)
    with pytest.raises(ValueError, match="naive"):
        business_elapsed(OFFICE, datetime(2027, 2, 3, 10), ny(2027, 2, 3, 11))
    with pytest.raises(ValueError, match="naive"):
        business_elapsed(OFFICE, ny(2027, 2, 3, 10), datetime(2027, 2, 3, 11))
    with pytest.raises(ValueError, match="naive"):
        business_deadline(OFFICE, datetime(2027, 2, 3, 10), H)
    with pytest.raises(ValueError, match="negative"):
        business_deadline(OFFICE, ny(2027, 2, 3, 10), -H)
    with pytest.raises(ValueError, match="never open"):
        business_deadline(BusinessCalendar("UTC", {}), ny(2027, 2, 3, 10), H)
    # Zero duration: due immediately.
    assert business_deadline(OFFICE, ny(2027, 2, 6, 10), timedelta(0)) == ny(2027, 2, 6, 10)


def test_is_business_time() -> None:
    assert is_business_time(OFFICE, ny(2027, 1, 15, 16, 59))
    assert not is_business_time(OFFICE, ny(2027, 1, 15, 17))  # spans are [start, end)
    assert not is_business_time(OFFICE, ny(2027, 1, 18, 10))  # MLK day
    assert is_business_time(OFFICE, datetime(2027, 1, 19, 13, tzinfo=UTC))  # 08:00 EST


# --- DST --------------------------------------------------------------------------


def test_spring_forward_24x7_is_real_time() -> None:
    # 2027-03-14 02:00 EST -> 03:00 EDT. Sat 12:00 EST (17:00Z) -> Sun 12:00 EDT (16:00Z).
    assert business_elapsed(ALWAYS_NY, ny(2027, 3, 13, 12), ny(2027, 3, 14, 12)) == 23 * H
    # Sat 22:00 EST (03:00Z) -> Sun 04:00 EDT (08:00Z): 6 wall hours, 5 real.
    assert business_elapsed(ALWAYS_NY, ny(2027, 3, 13, 22), ny(2027, 3, 14, 4)) == 5 * H
    # 24x7 deadline: Sat 22:00 EST + 5h real -> Sun 04:00 EDT.
    got = business_deadline(ALWAYS_NY, ny(2027, 3, 13, 22), 5 * H)
    assert got == ny(2027, 3, 14, 4)
    assert got.utcoffset() == -4 * H


def test_fall_back_24x7_is_real_time() -> None:
    # 2027-11-07 02:00 EDT -> 01:00 EST. Sat 12:00 EDT (16:00Z) -> Sun 12:00 EST (17:00Z).
    assert business_elapsed(ALWAYS_NY, ny(2027, 11, 6, 12), ny(2027, 11, 7, 12)) == 25 * H
    # 01:30 EDT (05:30Z, fold=0) -> 01:30 EST (06:30Z, fold=1): same wall time, 1h real.
    first, second = ny(2027, 11, 7, 1, 30), ny(2027, 11, 7, 1, 30, fold=1)
    assert business_elapsed(ALWAYS_NY, first, second) == H
    # A whole calendar day: Sun 00:00 -> Mon 00:00 is 25 real hours.
    assert business_elapsed(ALWAYS_NY, ny(2027, 11, 7), ny(2027, 11, 8)) == 25 * H


def test_dst_business_hours_are_wall_clock() -> None:
    # Every day 08:00-17:00: the changeover Sundays still have 9 open hours.
    assert business_elapsed(DAILY_8_17, ny(2027, 3, 14), ny(2027, 3, 15)) == 9 * H
    assert business_elapsed(DAILY_8_17, ny(2027, 11, 7), ny(2027, 11, 8)) == 9 * H
    # Sat 12:00 EST -> Sun 12:00 EDT: Sat 12-17 = 5h + Sun 08-12 = 4h = 9h (23h real).
    assert business_elapsed(DAILY_8_17, ny(2027, 3, 13, 12), ny(2027, 3, 14, 12)) == 9 * H
    # Mon-Fri across the spring-forward weekend: Fri 16:00 EST -> Mon 09:00 EDT
    # = Fri 16-17 (1h) + Mon 08-09 (1h) = 2h; the deadline lands on Mon 09:00 EDT.
    assert business_elapsed(OFFICE, ny(2027, 3, 12, 16), ny(2027, 3, 15, 9)) == 2 * H
    due = business_deadline(OFFICE, ny(2027, 3, 12, 16), 2 * H)
    assert due == ny(2027, 3, 15, 9)
    assert due.utcoffset() == -4 * H
    # A calendar open all of Sunday: 23h on spring-forward day, 25h on fall-back day.
    sundays = BusinessCalendar("America/New_York", {6: ((time(0), None),)})
    assert business_elapsed(sundays, ny(2027, 3, 13), ny(2027, 3, 16)) == 23 * H
    assert business_elapsed(sundays, ny(2027, 11, 6), ny(2027, 11, 9)) == 25 * H


def test_dst_hours_inside_the_jump() -> None:
    # Spring forward: wall 02:00-03:00 does not exist on 2027-03-14; skipped wall times
    # map to the jump instant (07:00Z).
    def sunday(*spans: tuple[time, time]) -> BusinessCalendar:
        return BusinessCalendar("America/New_York", {6: spans})

    week = (ny(2027, 3, 13), ny(2027, 3, 16))
    # 01:00 EST (06:00Z) -> 02:30 (skipped, = 07:00Z): 1h.
    assert business_elapsed(sunday((time(1), time(2, 30))), *week) == H
    # 02:15-02:45: wholly skipped -> 0.
    assert business_elapsed(sunday((time(2, 15), time(2, 45))), *week) == timedelta(0)
    # 02:30 (= 07:00Z) -> 04:00 EDT (08:00Z): 1h.
    assert (
        business_elapsed(
            sunday(
                (time(2, 30), time(4)),
            ),
            *week,
        )
        == H
    )
    # Fall back: 01:00 resolves to its first occurrence (EDT, 05:00Z); 02:00 EST is 07:00Z.
    fall = (ny(2027, 11, 6), ny(2027, 11, 9))
    assert (
        business_elapsed(
            sunday(
                (time(1), time(2)),
            ),
            *fall,
        )
        == 2 * H
    )


# --- on hold ----------------------------------------------------------------------

# Thu 2027-02-04 09:00 -> Tue 2027-02-09 12:00 on Mon-Fri 08-17 (no holidays that week):
# Thu 09-17 = 8h, Fri = 9h, Mon = 9h, Tue 08-12 = 4h -> 30h before holds.
OPENED, RESOLVED = ny(2027, 2, 4, 9), ny(2027, 2, 9, 12)


def test_on_hold_across_weekend() -> None:
    assert business_elapsed(OFFICE, OPENED, RESOLVED) == 30 * H
    # Hold Fri 15:00 -> Mon 10:00 = Fri 15-17 (2h) + Mon 08-10 (2h) = 4h -> 26h.
    hold = (ny(2027, 2, 5, 15), ny(2027, 2, 8, 10))
    assert business_elapsed(OFFICE, OPENED, RESOLVED, [hold]) == 26 * H


def test_overlapping_and_clipped_holds() -> None:
    holds = [
        (ny(2027, 2, 4, 11), ny(2027, 2, 4, 14)),  # overlaps the next one
        (ny(2027, 2, 4, 10), ny(2027, 2, 4, 12)),  # union 10:00-14:00 = 4h (not 2h + 3h)
        (ny(2027, 2, 3, 12), ny(2027, 2, 4, 9, 30)),  # starts before opening: Thu 09-09:30
        (ny(2027, 2, 9, 11), ny(2027, 2, 10, 10)),  # ends after resolution: Tue 11-12 = 1h
        (ny(2027, 2, 4, 10), ny(2027, 2, 4, 12)),  # exact duplicate: no extra effect
        (ny(2027, 1, 1), ny(2027, 1, 2)),  # wholly outside: ignored
    ]
    # 30h - (4h + 0.5h + 1h) = 24.5h.
    assert business_elapsed(OFFICE, OPENED, RESOLVED, holds) == timedelta(hours=24, minutes=30)
    # Plus the weekend hold from the previous test (4h) -> 20.5h.
    weekend = (ny(2027, 2, 5, 15), ny(2027, 2, 8, 10))
    got = business_elapsed(OFFICE, OPENED, RESOLVED, [*holds, weekend])
    assert got == timedelta(hours=20, minutes=30)


def test_bad_holds_rejected() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        business_elapsed(OFFICE, OPENED, RESOLVED, [(ny(2027, 2, 5, 12), ny(2027, 2, 5, 11))])
    with pytest.raises(ValueError, match="naive"):
        business_elapsed(OFFICE, OPENED, RESOLVED, [(datetime(2027, 2, 5), ny(2027, 2, 6))])


# --- properties -------------------------------------------------------------------

SPLIT_LONDON = BusinessCalendar(
    "Europe/London",
    {
        **dict.fromkeys(range(5), ((time(9), time(12, 30)), (time(13, 30), time(17, 30)))),
        5: ((time(10), time(14)),),
    },
    holidays=frozenset({date(2026, 12, 28), date(2027, 4, 2)}),
)
LATE_LORD_HOWE = BusinessCalendar("Australia/Lord_Howe", dict.fromkeys(range(7), ((time(6), None),)))
# Boundaries inside DST gaps and repeats: only checked for internal consistency.
DST_EDGES = BusinessCalendar(
    "America/New_York",
    {
        **dict.fromkeys(range(6), ((time(1, 30), time(2, 30)),)),
        6: ((time(0, 15), time(1, 15)), (time(1, 45), time(2, 30)), (time(3), time(4))),
    },
)
# Calendars whose boundaries never fall in a DST gap or repeat, so the naive reference
# below (fold=0 wall-time conversion per day) is exact for them.
SIMPLE = [OFFICE, ALWAYS_NY, DAILY_8_17, SPLIT_LONDON, LATE_LORD_HOWE]
ALL = [*SIMPLE, DST_EDGES, BusinessCalendar.always("UTC")]

instants = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2029, 12, 31),
    timezones=st.sampled_from([NY, LONDON, LORD_HOWE, TOKYO, UTC]),
)
spans = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20))


def utc(d: datetime) -> datetime:
    return d.astimezone(UTC)


def reference_elapsed(
    cal: BusinessCalendar, start: datetime, end: datetime, holds: list[tuple[datetime, datetime]]
) -> timedelta:
    """Slow day-by-day oracle: clip each open span to [start, end) minus the held parts."""
    tz: tzinfo = cal.tz
    total = timedelta(0)
    day = utc(start).astimezone(tz).date() - timedelta(days=1)
    last = utc(end).astimezone(tz).date() + timedelta(days=1)
    while day <= last:
        closed = day in cal.holidays or (cal.federal_holidays and day in us_federal_holidays(day.year))
        for s, e in () if closed else cal.hours[day.weekday()]:
            lo = datetime.combine(day, s, tzinfo=tz)
            hi = (
                datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
                if e is None
                else (datetime.combine(day, e, tzinfo=tz))
            )
            pieces = [(max(utc(lo), utc(start)), min(utc(hi), utc(end)))]
            for h0, h1 in holds:  # cut every held stretch out of the piece list
                pieces = [
                    part
                    for a, b in pieces
                    for part in ((a, min(b, utc(h0))), (max(a, utc(h1)), b))
                    if part[1] > part[0]
                ]
            total += sum((b - a for a, b in pieces if b > a), timedelta(0))
        day += timedelta(days=1)
    return total


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ALL), instants, spans, spans)
def test_additive_over_splits(cal: BusinessCalendar, start: datetime, d1: timedelta, d2: timedelta) -> None:
    mid = utc(start) + d1
    end = mid + d2
    whole = business_elapsed(cal, start, end)
    assert whole >= timedelta(0)
    assert whole <= end - utc(start)
    assert whole == business_elapsed(cal, start, mid) + business_elapsed(cal, mid, end)
    assert business_elapsed(cal, end, start) == timedelta(0)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ALL), instants, spans)
def test_deadline_inverts_elapsed(cal: BusinessCalendar, start: datetime, span: timedelta) -> None:
    end = utc(start) + span
    used = business_elapsed(cal, start, end)
    due = business_deadline(cal, start, used)
    assert due <= end
    assert business_elapsed(cal, start, due) == used
    if used:  # earliest such instant: one microsecond earlier is not enough
        assert business_elapsed(cal, start, due - timedelta(microseconds=1)) < used
    assert due.tzinfo is cal.tz


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(SIMPLE),
    instants,
    spans,
    st.lists(st.tuples(st.timedeltas(timedelta(days=-3), timedelta(days=22)), spans), max_size=4),
)
def test_matches_reference(
    cal: BusinessCalendar,
    start: datetime,
    span: timedelta,
    raw_holds: list[tuple[timedelta, timedelta]],
) -> None:
    end = utc(start) + span
    holds = [(utc(start) + off, utc(start) + off + length / 4) for off, length in raw_holds]
    assert business_elapsed(cal, start, end) == reference_elapsed(cal, start, end, [])
    assert business_elapsed(cal, start, end, holds) == reference_elapsed(cal, start, end, holds)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(ALL), instants, spans, st.lists(st.tuples(instants, spans), max_size=4))
def test_holds_only_subtract(
    cal: BusinessCalendar, start: datetime, span: timedelta, raw: list[tuple[datetime, timedelta]]
) -> None:
    end = utc(start) + span
    holds = [(h, utc(h) + d) for h, d in raw]
    held = business_elapsed(cal, start, end, holds)
    assert timedelta(0) <= held <= business_elapsed(cal, start, end)
    # Order of holds does not matter.
    assert held == business_elapsed(cal, start, end, holds[::-1])
