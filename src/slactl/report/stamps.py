"""Fast timestamps for the hot loop: ISO 8601 text -> integer microseconds since the epoch (UTC).

``datetime.fromisoformat`` is fast (C); what costs is turning its result into an instant
(``replace(tzinfo=...)`` alone costs more than the parse). So a naive value is measured
from the naive epoch and the zone's UTC offset, cached per distinct offset, subtracted.

Business time is measured on the same integers with the clock's own interval tables
(:func:`slactl.clock.open_us_between`), which is what ``business_elapsed`` does after converting
its two datetimes; skipping those conversions halves the cost of a ticket.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, tzinfo

from slactl.clock import BusinessCalendar, open_us_between

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MIN = 60_000_000
_SEC = 1_000_000
_US = timedelta(microseconds=1)
_NAIVE_EPOCH = datetime(1970, 1, 1)


def to_us(value: datetime) -> int:
    """An aware datetime as microseconds since the epoch."""
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(us: int, zone: tzinfo) -> datetime:
    """Microseconds since the epoch as an aware datetime in ``zone``."""
    return (_EPOCH + timedelta(microseconds=us)).astimezone(zone)


def slow_us(text: str, zone: tzinfo) -> int:
    """Exact: ``datetime.fromisoformat``, naive values read in ``zone`` (ValueError when unreadable)."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return to_us(value)


def make_parser(zone: tzinfo) -> Callable[[str], int]:
    """A function text -> epoch microseconds for timestamps of one zone (naive ones are local to it).

    Exactly ``slow_us``, without building a second datetime per value: a naive value is
    measured from the naive epoch and the zone's offset at that wall time (first
    occurrence, as ``replace(tzinfo=zone)`` reads it) is subtracted.
    """
    fromiso = datetime.fromisoformat
    zone_offset = zone.utcoffset
    offsets: dict[timedelta, int] = {}

    def parse(text: str) -> int:
        value = fromiso(text)
        if value.tzinfo is not None:
            delta = value - _EPOCH
            return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        off = zone_offset(value)
        if off is None:  # a zone without offsets; read it exactly
            return slow_us(text, zone)
        off_us = offsets.get(off)
        if off_us is None:
            off_us = offsets[off] = off // _US
        delta = value - _NAIVE_EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds - off_us

    return parse


def elapsed_us(cal: BusinessCalendar, a: int, b: int, holds: Sequence[tuple[int, int]] = ()) -> int:
    """Business microseconds in [a, b) minus business time on hold (holds clipped and merged)."""
    if b <= a:
        return 0
    total = open_us_between(cal, a, b)
    if holds:
        spans = sorted((max(h0, a), min(h1, b)) for h0, h1 in holds if min(h1, b) > max(h0, a))
        if spans:
            run_s, run_e = spans[0]
            for s, e in spans[1:]:
                if s > run_e:
                    total -= open_us_between(cal, run_s, run_e)
                    run_s, run_e = s, e
                elif e > run_e:
                    run_e = e
            total -= open_us_between(cal, run_s, run_e)
    return total
