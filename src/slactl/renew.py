"""`slactl renew`: draft the next term of an agreement as a new file.

The new file is the old one with a handful of scalar values replaced *in the text*, at the
positions the loader recorded (``Loaded.marks``), so comments, key order, quoting and
layout stay byte-identical everywhere else:

* ``metadata.id``: ``fy2027`` becomes ``fy2028`` (the id's fiscal year moves with the term), a
  year as a word of the id (``desk-2027``) moves by the years of the shift; an id with neither
  gets the new fiscal year appended (``finance-desk`` -> ``finance-desk-fy2028``), or
  ``-renewal`` when the new term is no fiscal year (``-renewal-2`` ... when it has one);
  ``--id`` names it explicitly; the new file is named after the new id;
* ``metadata.renews``: the old id (replaced, or inserted right after ``metadata.id``);
* ``metadata.title``: the old fiscal-year label (``FY2027``) becomes the new one;
* ``term.start``/``term.end``/``term.fiscal_year``; ``pricing.payment_schedule[].due`` and
  ``transition.tasks[].due`` shift by the term shift.

The shift is whole years when the new term starts on the same day of the year (dates keep
their day of the month; 29 February becomes the 28th), otherwise a number of days.
Approvals live in git as commits naming the agreement id and digest, so the new file starts
with none: there is nothing to clear in it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slactl.errors import SlactlError
from slactl.fiscal import fiscal_year_of

if TYPE_CHECKING:
    from slactl.loading import Loaded, Path_
    from slactl.model.agreement import Agreement

__all__ = ["Renewed", "Shift", "renew_file", "renew_text"]

_FY_RE = re.compile(r"FY(\d{4})")
_ID_FY_RE = re.compile(r"fy(\d{4})")
_ID_YEAR_RE = re.compile(r"(?:^|-)((?:19|20|21)\d{2})(?:-|$)")  # a calendar year as a word of the id
_SLUG_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")


@dataclass(frozen=True, slots=True)
class Shift:
    """How far the term moves: whole years, or else days."""

    years: int = 0
    days: int = 0

    def apply(self, day: date) -> date:
        if self.years:
            year = day.year + self.years
            try:
                return day.replace(year=year)
            except ValueError:  # 29 February into a common year
                return day.replace(year=year, day=28)
        return day + timedelta(days=self.days)

    def __str__(self) -> str:
        if self.years:
            return f"{self.years} year{'s' if self.years != 1 else ''}"
        return f"{self.days} day{'s' if self.days != 1 else ''}"


@dataclass(frozen=True)
class Renewed:
    """The drafted renewal: its text and what changed."""

    text: str
    old_id: str
    new_id: str
    start: date
    end: date
    fiscal_year: str | None
    shift: Shift
    notes: tuple[str, ...]
    path: Path | None = None  # where it was written (renew_file)


# --------------------------------------------------------------------------- the shift


def _shifted(shift: Shift, day: date) -> date:
    """``shift.apply(day)``; past the calendar's end is ``date.max`` (then refused by _check_in_range)."""
    try:
        return shift.apply(day)
    except (OverflowError, ValueError):
        return date.max


def _whole_years(a: date, b: date) -> int | None:
    """k when b is a shifted by k whole years (k > 0), else None."""
    k = b.year - a.year
    if k <= 0:
        return None
    return k if Shift(years=k).apply(a) == b else None


def _plan_term(
    doc: Agreement,
    fiscal_year: str | None,
    start: date | None,
    end: date | None,
    fiscal_year_start: tuple[int, int],
) -> tuple[Shift, date, date, str | None]:
    term = doc.term
    if term.end is None:
        raise SlactlError(
            "the agreement has no term end: it runs until it is terminated, so it has no next term to draft",
            hint="give `term.end` a date first, or start a new agreement with `slactl new`",
        )
    old_fy = int(term.fiscal_year[2:]) if term.fiscal_year else fiscal_year_of(term.start, fiscal_year_start)
    if fiscal_year is not None and (start is not None or end is not None):
        raise SlactlError("give either --fiscal-year or --start/--end, not both")
    if (start is None) != (end is None):
        raise SlactlError("give both --start and --end")
    if fiscal_year is not None:
        match = _FY_RE.fullmatch(fiscal_year.strip().upper())
        if not match:
            raise SlactlError(f"{fiscal_year!r} is not a fiscal year; write it like FY2028")
        years = int(match.group(1)) - old_fy
        if years <= 0:
            raise SlactlError(f"{fiscal_year} does not come after FY{old_fy}: a renewal is a later term")
        shift = Shift(years=years)
        new_start, new_end = _shifted(shift, term.start), _shifted(shift, term.end)
    elif start is not None and end is not None:
        if end < start:
            raise SlactlError(f"the new term ends ({end}) before it starts ({start})")
        if start <= term.start:
            raise SlactlError(f"the new term must start after the current one ({term.start})")
        whole = _whole_years(term.start, start)
        shift = Shift(years=whole) if whole else Shift(days=(start - term.start).days)
        new_start, new_end = start, end
    else:
        # the term's own length: whole years when it is some, else its days
        after = term.end + timedelta(days=1)
        whole = _whole_years(term.start, after)
        shift = Shift(years=whole) if whole else Shift(days=(after - term.start).days)
        new_start, new_end = _shifted(shift, term.start), _shifted(shift, term.end)
    _check_in_range([new_start, new_end, *(_shifted(shift, day) for _path, day in _dated(doc))])
    new_fy: str | None = None
    if term.fiscal_year:
        number = old_fy + shift.years if shift.years else fiscal_year_of(new_start, fiscal_year_start)
        new_fy = f"FY{number}"
    return shift, new_start, new_end, new_fy


def _check_in_range(days: Sequence[date]) -> None:
    """Every date of the new term is a date of the format (before 9000-01-01)."""
    from slactl.model.types import MAX_DATE

    if max(days) > MAX_DATE:
        raise SlactlError(
            f"the new term has dates after {MAX_DATE.isoformat()}, the last date slactl takes",
            hint="give an earlier --fiscal-year or --start/--end",
        )


def _new_id(old_id: str, old_fy: str | None, new_fy: str | None, shift: Shift) -> str:
    if old_fy and new_fy:
        token = old_fy.lower()
        if token in old_id:
            return old_id.replace(token, new_fy.lower())
    if shift.years:
        found = _ID_FY_RE.search(old_id)
        if found:
            bumped = f"fy{int(found.group(1)) + shift.years}"
            return old_id[: found.start()] + bumped + old_id[found.end() :]
    if shift.years:
        found = _ID_YEAR_RE.search(old_id)
        if found:
            return old_id[: found.start(1)] + str(int(found.group(1)) + shift.years) + old_id[found.end(1) :]
    if new_fy:
        return f"{old_id[: 63 - len(new_fy)].rstrip('-')}-{new_fy.lower()}"
    match = re.fullmatch(r"(.*)-renewal(?:-(\d+))?", old_id)
    if match:
        return f"{match.group(1)}-renewal-{int(match.group(2) or 1) + 1}"
    return f"{old_id}-renewal"


# --------------------------------------------------------------------------- text edits


@dataclass(frozen=True, slots=True)
class _Edit:
    start: int
    end: int
    text: str


# Line breaks as YAML counts them (so the loader's marks and these offsets agree): CR LF,
# a lone CR or LF, NEL and the Unicode line and paragraph separators.
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


class _Text:
    """Character offsets for the loader's 1-based (line, column) marks."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in _BREAK.finditer(text)]
        counts = {"\r\n": text.count("\r\n")}
        counts["\r"] = text.count("\r") - counts["\r\n"]
        counts["\n"] = text.count("\n") - counts["\r\n"]
        # New lines are written in the file's own style (the most common of its line ends).
        self.newline = max(("\n", "\r\n", "\r"), key=lambda k: counts[k])

    def offset(self, mark: tuple[int, int]) -> int:
        line, column = mark
        return self.line_starts[line - 1] + column - 1

    def line_end(self, index: int) -> int:
        found = _BREAK.search(self.text, index)
        return len(self.text) if found is None else found.end()

    def scalar_span(self, mark: tuple[int, int], value: str) -> tuple[int, int, str] | None:
        """``(start, end, quote)`` of a one-line scalar whose source text is exactly ``value``.

        Plain, single- or double-quoted, without escapes; None when the text at the mark
        is anything else (a folded or escaped scalar), so nothing is ever guessed.
        """
        i = self.offset(mark)
        text = self.text
        quote = text[i : i + 1]
        if quote in ("'", '"'):
            inner_end = i + 1 + len(value)
            if text[i + 1 : inner_end] == value and text[inner_end : inner_end + 1] == quote and _one_line(value):
                return i, inner_end + 1, quote
            return None
        end = i + len(value)
        if not value or text[i:end] != value or not _one_line(value):
            return None
        rest = text[end : self.line_end(end)].strip()
        if rest and rest[0] not in "#,]}":
            return None  # the plain scalar goes on (a folded line): not ours to cut
        if rest.startswith("#") and not text[end : end + 1].isspace():
            return None
        return i, end, ""


def _one_line(value: str) -> bool:
    return _BREAK.search(value) is None


def _replace(doc: _Text, loaded: Loaded, path: Path_, new: str, edits: list[_Edit], expect: dict[Path_, Any]) -> None:
    old = _get(loaded.data, path)
    if not isinstance(old, str):
        old = str(old)
    mark = loaded.marks.get(path)
    span = doc.scalar_span(mark, old) if mark else None
    if span is None:
        line = mark[0] if mark else "?"
        dotted = ".".join(str(p) for p in path)
        raise SlactlError(
            f"cannot edit `{dotted}` (line {line}) in place",
            hint="write it on one line as plain or quoted text, without escapes, then run renew again",
        )
    start, end, quote = span
    edits.append(_Edit(start, end, f"{quote}{new}{quote}"))
    expect[path] = new


def _get(data: Any, path: Sequence[str | int]) -> Any:
    for part in path:
        data = data[part]
    return data


def _set(data: Any, path: Sequence[str | int], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _insert_renews(doc: _Text, loaded: Loaded, old_id: str, edits: list[_Edit]) -> None:
    """Add ``renews: <old id>`` next to ``metadata.id``, in the mapping's own style."""
    key_mark = loaded.key_marks[("metadata", "id")]
    key_at = doc.offset(key_mark)
    meta_at = doc.offset(loaded.marks[("metadata",)])
    if doc.text[meta_at : meta_at + 1] == "{":  # flow mapping: {id: x, ...}
        edits.append(_Edit(key_at, key_at, f"renews: {old_id}, "))
        return
    line_start = doc.line_starts[key_mark[0] - 1]
    indent = doc.text[line_start:key_at]
    if indent.strip():  # e.g. `- id:` or `metadata: {` on the key's line: not a plain block
        raise SlactlError(
            "cannot insert `metadata.renews` next to `metadata.id`",
            hint="put `metadata.id` on its own line, or add `renews:` yourself and run renew again",
        )
    value_mark = loaded.marks[("metadata", "id")]
    if doc.scalar_span(value_mark, str(loaded.data["metadata"]["id"])) is None:
        raise SlactlError("cannot insert `metadata.renews`: `metadata.id` is not a one-line value")
    after = doc.line_end(doc.offset(value_mark))
    newline = doc.newline
    ends_line = after > 0 and _BREAK.fullmatch(doc.text[after - 1 : after]) is not None
    prefix = "" if ends_line or after == 0 else newline  # file ends without newline
    # An id such as `0` or `yes` must stay text: quote it when plain YAML would read something else.
    from slactl.loading import load_text

    value = old_id if load_text(f"v: {old_id}\n").data == {"v": old_id} else f"'{old_id}'"
    edits.append(_Edit(after, after, f"{prefix}{indent}renews: {value}{newline}"))


def _dated(doc: Agreement) -> list[tuple[Path_, date]]:
    """Payment and transition task due dates, with their paths: they move with the term."""
    out: list[tuple[Path_, date]] = []
    if doc.pricing is not None:
        out += [(("pricing", "payment_schedule", i, "due"), p.due) for i, p in enumerate(doc.pricing.payment_schedule)]
    if doc.transition is not None:
        out += [(("transition", "tasks", i, "due"), t.due) for i, t in enumerate(doc.transition.tasks) if t.due]
    return out


def renew_text(
    text: str,
    loaded: Loaded,
    doc: Agreement,
    *,
    fiscal_year: str | None = None,
    start: date | None = None,
    end: date | None = None,
    new_id: str | None = None,
    fiscal_year_start: tuple[int, int] = (10, 1),
) -> Renewed:
    """The renewal's text: ``text`` with the known scalars replaced. ``loaded`` must be of ``text``."""
    shift, new_start, new_end, new_fy = _plan_term(doc, fiscal_year, start, end, fiscal_year_start)
    old_id = doc.metadata.id
    chosen = new_id or _new_id(old_id, doc.term.fiscal_year, new_fy, shift)
    if not _SLUG_RE.fullmatch(chosen):
        raise SlactlError(f"the new id {chosen!r} is not a lowercase id of at most 64 letters, digits and dashes")
    if chosen == old_id:
        raise SlactlError(f"the new id equals the old one ({old_id})", hint="give one with --id")

    body = _Text(text)
    edits: list[_Edit] = []
    expect: dict[Path_, Any] = {}
    notes: list[str] = []
    _replace(body, loaded, ("metadata", "id"), chosen, edits, expect)
    if "renews" in loaded.data["metadata"]:
        if not isinstance(loaded.data["metadata"]["renews"], str):
            raise SlactlError("`metadata.renews` has no value; remove the key or give it one, then run renew again")
        _replace(body, loaded, ("metadata", "renews"), old_id, edits, expect)
    else:
        _insert_renews(body, loaded, old_id, edits)
        expect[("metadata", "renews")] = old_id
    old_fy = doc.term.fiscal_year
    title = loaded.data["metadata"]["title"]
    if old_fy and new_fy and isinstance(title, str) and old_fy in title:
        title_mark = loaded.marks[("metadata", "title")]
        if body.scalar_span(title_mark, title) is not None:
            _replace(body, loaded, ("metadata", "title"), title.replace(old_fy, new_fy), edits, expect)
        else:
            notes.append(f"the title mentions {old_fy} but is not a one-line value: update it by hand")

    _replace(body, loaded, ("term", "start"), new_start.isoformat(), edits, expect)
    _replace(body, loaded, ("term", "end"), new_end.isoformat(), edits, expect)
    if old_fy and new_fy:
        _replace(body, loaded, ("term", "fiscal_year"), new_fy, edits, expect)
    for path, day in _dated(doc):
        _replace(body, loaded, path, shift.apply(day).isoformat(), edits, expect)
    for name, cal in doc.calendars.items():
        outside = [d for d in cal.holidays if not new_start <= d <= new_end]
        if outside:
            dates = "1 date" if len(outside) == 1 else f"{len(outside)} dates"
            notes.append(
                f"calendars.{name}.holidays has {dates} outside the new term "
                f"(e.g. {outside[0].isoformat()}): review them"
            )

    out = text
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        out = out[: edit.start] + edit.text + out[edit.end :]
    _check_only_expected(out, loaded, expect)
    return Renewed(out, old_id, chosen, new_start, new_end, new_fy, shift, tuple(notes))


def _check_only_expected(out: str, loaded: Loaded, expect: dict[Path_, Any]) -> None:
    """The new text must load to the old data with exactly the planned values changed."""
    from slactl.loading import load_text

    wanted = copy.deepcopy(loaded.data)
    for path, value in expect.items():
        if path == ("metadata", "renews") and "renews" not in wanted["metadata"]:
            wanted["metadata"]["renews"] = value
        else:
            _set(wanted, path, value)
    got = load_text(out).data
    if got != wanted:  # pragma: no cover - a bug in the span logic, never a user error
        raise AssertionError("renew: the edited text does not load to the planned values")


def _default_output(path: Path, old_id: str, new_id: str) -> Path:
    if old_id in path.name:
        return path.with_name(path.name.replace(old_id, new_id))
    return path.with_name(new_id + (path.suffix or ".yaml"))


def renew_file(
    path: Path,
    *,
    fiscal_year: str | None = None,
    start: date | None = None,
    end: date | None = None,
    output: Path | None = None,
    new_id: str | None = None,
    force: bool = False,
    fiscal_year_start: tuple[int, int] = (10, 1),
) -> Renewed:
    """Write the renewal of ``path`` next to it (or to ``output``); never overwrites without ``force``."""
    from slactl.documents import load_valid

    valid = load_valid(path, kind="Agreement")
    doc: Agreement = valid.document  # type: ignore[assignment]
    bom = valid.raw.startswith(b"\xef\xbb\xbf")
    renewed = renew_text(
        valid.loaded.text,
        valid.loaded,
        doc,
        fiscal_year=fiscal_year,
        start=start,
        end=end,
        new_id=new_id,
        fiscal_year_start=fiscal_year_start,
    )
    target = output or _default_output(path, renewed.old_id, renewed.new_id)
    if target.resolve() == path.resolve():
        raise SlactlError("renew writes a new file; the original stays as the record of its term", path=str(target))
    data = ("\ufeff" if bom else "") + renewed.text
    load_valid(target, kind="Agreement", raw=data.encode("utf-8"))  # the draft must validate
    _write(target, data.encode("utf-8"), force)
    return Renewed(**{**_fields(renewed), "path": target})


def _fields(r: Renewed) -> dict[str, Any]:
    return {name: getattr(r, name) for name in Renewed.__dataclass_fields__}


def _write(target: Path, data: bytes, force: bool) -> None:
    # No stamp: a renewal is an agreement people edit, so it is never replaced without force.
    from slactl.safewrite import write_file

    write_file(target, data, force=force)
