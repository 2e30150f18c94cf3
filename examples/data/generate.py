"""Generate the sample operational data for examples/cec-fy2027-rural-lending.yaml.

Deterministic (a fixed seed): run it again and the files come out byte for byte the same.

    python examples/data/generate.py

Writes tickets.csv (a ticketing-system export, with its own column names), outages.csv
(the monitoring service) and surveys.csv (the ticket survey) for FY2027 into
examples/data/cec-fy2027-rural-lending/. The story the data tells: a good year for the
service desk except a rough January, and two bad months for VM hosting (November and
January) that earn service credits and trigger the termination condition.
"""

from __future__ import annotations

import csv
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

NY = ZoneInfo("America/New_York")
OUT = Path(__file__).resolve().parent / "cec-fy2027-rural-lending"
MONTHS = [date(2026, 10, 1)] + [date(2026 + (9 + i) // 12, (9 + i) % 12 + 1, 1) for i in range(1, 12)]
SITES = [
    "Headquarters",
    "St. Louis field office",
    "Kansas City field office",
    "Des Moines field office",
    "Topeka field office",
]
ROUGH = {(2027, 1)}  # the desk's bad month
BAD_HOSTING = {(2026, 11): 190, (2027, 1): 260}  # minutes of unplanned downtime in the bad months


def business_start(rng: random.Random, month: date) -> datetime:
    """A moment in business hours (Mon-Fri 08:00-17:00 local) of ``month``."""
    while True:
        day = month + timedelta(days=rng.randrange(28))
        if day.weekday() < 5:
            minute = rng.randrange(8 * 60, 17 * 60)
            return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=NY)


def stamp(value: datetime, rng: random.Random) -> str:
    """Mostly naive local time (as many exports write it), sometimes with the offset."""
    if rng.random() < 0.2:
        return value.isoformat(timespec="minutes")
    return value.strftime("%Y-%m-%d %H:%M")


def tickets(rng: random.Random) -> list[list[str]]:
    rows: list[list[str]] = []
    n = 1000
    for month in MONTHS:
        rough = (month.year, month.month) in ROUGH
        for prio, count in (("P1", 6), ("P2", 14), ("P3", 18), ("P4", 8)):
            for _ in range(count + rng.randrange(-2, 3)):
                n += 1
                opened = business_start(rng, month)
                slow = rough and rng.random() < 0.4
                base = {"P1": 25, "P2": 90, "P3": 240, "P4": 600}[prio]
                respond = opened + timedelta(minutes=rng.randint(3, base) * (4 if slow else 1))
                fix = {"P1": 150, "P2": 600, "P3": 1800, "P4": 4000}[prio]
                resolve = respond + timedelta(minutes=rng.randint(20, fix) * (3 if slow else 1))
                hold = ""
                if prio in ("P2", "P3") and rng.random() < 0.15:
                    h0 = respond + timedelta(minutes=30)
                    h1 = h0 + timedelta(hours=rng.randint(2, 30))
                    hold = f"{h0.isoformat(timespec='minutes')}/{h1.isoformat(timespec='minutes')}"
                    resolve += h1 - h0
                site = rng.choice(SITES)
                rows.append(
                    [
                        f"INC{n:06d}",
                        prio,
                        "service-desk",
                        site,
                        "incident",
                        stamp(opened, rng),
                        stamp(respond, rng),
                        stamp(resolve, rng),
                        hold,
                    ]
                )
        # The monthly portfolio extract: a request at the end of each month, delivered within days.
        n += 1
        nxt = MONTHS[MONTHS.index(month) + 1] if month != MONTHS[-1] else date(2027, 10, 1)
        opened = datetime.combine(nxt - timedelta(days=1), time(17, 0), tzinfo=NY)
        done = opened + timedelta(days=rng.choice([1, 2, 3, 3, 4, 6]), hours=2)
        rows.append(
            [
                f"REQ{n:06d}",
                "P3",
                "portfolio-extract",
                "Headquarters",
                "monthly extract",
                stamp(opened, rng),
                stamp(opened + timedelta(hours=16), rng),
                stamp(done, rng),
                "",
            ]
        )
    # Tickets still open when the data was exported.
    for k in range(3):
        n += 1
        opened = datetime(2027, 9, 28 + k, 10, 0, tzinfo=NY)
        rows.append(
            [
                f"INC{n:06d}",
                "P2",
                "service-desk",
                "Headquarters",
                "incident",
                stamp(opened, rng),
                stamp(opened + timedelta(minutes=40), rng),
                "",
                "",
            ]
        )
    rows.sort(key=lambda r: r[5])
    # What real exports contain: a mistyped date, a closing before the opening, a cut-off line.
    rows.insert(57, ["INC009901", "P3", "service-desk", "Headquarters", "incident", "2026-11-31 09:00", "", "", ""])
    rows.insert(
        211,
        [
            "INC009902",
            "P2",
            "service-desk",
            "Topeka field office",
            "incident",
            "2027-02-10 11:00",
            "2027-02-10 11:20",
            "2027-02-09 16:00",
            "",
        ],
    )
    rows.insert(402, ["INC009903", "P4"])
    return rows


def outages(rng: random.Random) -> list[list[str]]:
    rows: list[list[str]] = []
    n = 0
    for month in MONTHS:
        # Sunday patching, 02:00-06:00, used most weeks for an hour or two.
        day = month
        while day.month == month.month:
            if day.weekday() == 6 and rng.random() < 0.7:
                n += 1
                start = datetime.combine(day, time(2, rng.choice([0, 15, 30])), tzinfo=NY)
                rows.append(
                    [
                        f"CHG-{n:04d}",
                        "vm-hosting",
                        stamp(start, rng),
                        stamp(start + timedelta(minutes=rng.randint(30, 150)), rng),
                        "yes",
                    ]
                )
            day += timedelta(days=1)
        # Short unplanned blips.
        budget = BAD_HOSTING.get((month.year, month.month), rng.randint(5, 30))
        while budget > 0:
            n += 1
            length = min(budget, rng.randint(4, 70))
            start = datetime.combine(
                month + timedelta(days=rng.randrange(27)), time(rng.randrange(24), rng.randrange(60)), tzinfo=NY
            )
            rows.append(
                [f"OUT-{n:04d}", "vm-hosting", stamp(start, rng), stamp(start + timedelta(minutes=length), rng), "no"]
            )
            budget -= length
        if rng.random() < 0.4:
            n += 1
            start = datetime.combine(month + timedelta(days=rng.randrange(27)), time(rng.randrange(24), 0), tzinfo=NY)
            rows.append(
                [
                    f"OUT-{n:04d}",
                    "storage",
                    stamp(start, rng),
                    stamp(start + timedelta(minutes=rng.randint(3, 25)), rng),
                    "no",
                ]
            )
    # A "planned" change done on a Saturday evening: outside the declared window, so unplanned.
    n += 1
    rows.append([f"CHG-{n:04d}", "vm-hosting", "2027-03-13 22:00", "2027-03-13 22:40", "yes"])
    rows.sort(key=lambda r: r[2])
    return rows


def surveys(rng: random.Random, ticket_rows: list[list[str]]) -> list[list[str]]:
    rows: list[list[str]] = []
    for row in ticket_rows:
        if len(row) < 8 or not row[7] or row[2] != "service-desk" or rng.random() > 0.45:
            continue
        when = datetime.fromisoformat(row[7]).replace(tzinfo=None) + timedelta(hours=rng.randint(1, 30))
        rough = when.month == 1
        score = rng.choices([5, 4, 3, 2, 1], weights=[38, 40, 12, 6, 4] if rough else [55, 33, 8, 3, 1])[0]
        # About one answer in five carries no date: the report dates it by its ticket.
        rows.append([row[0], "" if rng.random() < 0.2 else when.strftime("%Y-%m-%d"), str(score)])
    return rows


def write(name: str, header: list[str], rows: list[list[str]]) -> None:
    with (OUT / name).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    rng = random.Random(2027)
    OUT.mkdir(parents=True, exist_ok=True)
    ticket_rows = tickets(rng)
    write(
        "tickets.csv",
        ["Number", "Priority", "Service", "Location", "Category", "Opened", "First Response", "Resolved", "On Hold"],
        ticket_rows,
    )
    write("outages.csv", ["id", "service", "start", "end", "planned"], outages(rng))
    write("surveys.csv", ["ticket", "date", "score"], surveys(rng, ticket_rows))


if __name__ == "__main__":
    main()
