"""Obligations as an iCalendar file (RFC 5545), through the ``icalendar`` package.

Each obligation is an all-day event whose UID is the obligation's own (agreement id, kind,
day and item), so a calendar subscribed to the file updates its events in place when the
file is published again. DTSTAMP is the day the portfolio was judged on, not the wall
clock, so the same repository gives the same bytes. Attendees are the agreement's contacts
the obligation names (meeting attendees, report audience, signatories) that have an e-mail.
A bidirectional control in the agreement's words (``slactl validate`` refuses them: SLA013)
is written as its escape (``\\u202e``), as in every rendered document: iCalendar text has no
escape for it, and a calendar must not show the words reordered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from slactl.errors import SlactlError
from slactl.portfolio.obligations import Obligation
from slactl.textsafe import show_direction_controls as _shown

PRODID = "-//slactl//obligations//EN"


def to_ics(
    obligations: Sequence[Obligation], *, stamp: date, name: str = "slactl obligations", note: str | None = None
) -> bytes:
    """The obligations as one VCALENDAR of all-day VEVENTs, in the order given.

    ``note``: a line kept unfolded as the calendar's last property (``X-SLACTL-STAMP``), for
    slactl's write stamp, which must stay on one line to verify.
    """
    try:
        from icalendar import Calendar, Event, vCalAddress, vText
    except ImportError:
        raise SlactlError(
            "the calendar output needs the icalendar package",
            hint='install slactl with its calendar extra: pip install "slactl[ics]"',
        ) from None
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    when = datetime(stamp.year, stamp.month, stamp.day, tzinfo=UTC)
    for ob in obligations:
        event = Event()
        event.add("uid", ob.uid)
        event.add("dtstamp", when)
        event.add("dtstart", ob.due)
        event.add("dtend", ob.due + timedelta(days=1))
        event.add("summary", _shown(f"{ob.summary} ({ob.agreement_id})"))
        lines = [ob.detail] if ob.detail else []
        lines.append(f"Agreement {ob.agreement_id}, {ob.source}.")
        if ob.owner is not None:
            lines.append(f"Who acts: {ob.owner}.")
        event.add("description", _shown("\n".join(lines)))
        event.add("categories", [ob.kind])
        event.add("transp", "TRANSPARENT")
        for person in ob.people:
            if person.email is None:
                continue
            address = vCalAddress(f"mailto:{person.email}")
            address.params["cn"] = vText(_shown(person.name))
            if person.role:
                address.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", address, encode=False)
        cal.add_component(event)
    data: bytes = cal.to_ical()
    if note is not None:
        end = b"END:VCALENDAR\r\n"
        assert data.endswith(end)
        data = data[: -len(end)] + f"X-SLACTL-STAMP:{note}\r\n".encode() + end
    return data
