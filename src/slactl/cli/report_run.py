"""The body of `slactl report`, without typer: the typer command and the plain-call path
(``slactl.cli.fast``) both run it, so a report reads and prints the same either way.

Importing typer and letting it read the command's options is about 0.15 s of CPU, a tenth of a
report on a small export; a plain call does without it. Errors are ``SlactlError``, which
``slactl.cli.main`` prints; lines for people go to stderr as ``typer.echo(..., err=True)``
writes them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slactl.cli import write_stdout

if TYPE_CHECKING:
    from slactl.errors import SlactlError

REPORT_OWNER = "report"
FORMATS = ("md", "html", "json")


def run_report(
    agreement: Path,
    *,
    tickets: Path | None = None,
    outages: Path | None = None,
    surveys: Path | None = None,
    charges: Path | None = None,
    period: str | None = None,
    fmt: str = "md",
    output: Path | None = None,
    force: bool = False,
    mapping: Sequence[str] = (),
    config: Path | None = None,
    as_of: str | None = None,
    jobs: int = 0,
    source: Sequence[str] = (),
    source_timezone: str | None = None,
    date_format: str | None = None,
    pack: Path | None = None,
    argv: Sequence[str] = (),
) -> int:
    """Measure, write the report (stdout, ``output`` or a ``pack``), say the notes; the exit code.

    ``argv``: the command line as given, which a pack records.
    """
    from datetime import UTC

    from slactl.config import load_config
    from slactl.errors import SlactlError
    from slactl.report import build_report
    from slactl.report.inputs import columns_from_config, parse_map_options
    from slactl.report.render import RENDERERS
    from slactl.report.sources import choose_sources
    from slactl.safewrite import refusal, write_file

    if tickets is None and outages is None and surveys is None:
        raise SlactlError("give at least one data file: --tickets, --outages or --surveys")
    for path in (tickets, outages, surveys, charges):
        if path is not None and (problem := data_file_problem(path, folder=path is not charges)) is not None:
            raise problem
    if pack is not None and output is not None:
        raise SlactlError("give --pack DIR or -o FILE, not both (a pack holds the report in every format)")
    if output is not None and (problem := refusal(output, owner=REPORT_OWNER, force=force)) is not None:
        raise problem  # before the data is read; write_file checks again when it writes
    if pack is not None and pack.exists() and not pack.is_dir():
        raise SlactlError(
            "is not a folder: --pack writes a folder (the report in each format and its manifest)",
            path=str(pack),
            hint="give a new folder, or the folder of an earlier pack",
        )
    cfg = load_config(agreement, explicit=config)
    columns = columns_from_config(cfg.raw)
    columns.update(parse_map_options(list(mapping)))
    now = as_of_time(as_of) if as_of else datetime.now(UTC)
    result = build_report(
        agreement,
        tickets=tickets,
        outages=outages,
        surveys=surveys,
        charges=charges,
        period=period,
        columns=columns,
        fy_start=cfg.fiscal_year_start,
        now=now,
        jobs=jobs,
        sources=choose_sources(list(source)),
        source_zone=source_timezone,
        date_format=date_format,
    )
    if pack is not None:
        options = {
            "agreement": str(agreement),
            "period": period,
            "as_of": result.as_of.isoformat(),
            "columns": columns,
            "fy_start": list(cfg.fiscal_year_start),
            "jobs": jobs,
            "sources": list(source),
            "source_timezone": source_timezone,
            "date_format": date_format,
        }
        inputs = {"tickets": tickets, "outages": outages, "surveys": surveys, "charges": charges}
        _write_pack(result, pack, agreement=agreement, inputs=inputs, options=options, force=force, argv=argv)
    elif output is None:
        write_stdout(stamped_report(RENDERERS[fmt](result), fmt))
        sys.stdout.flush()
    else:
        write_file(output, stamped_report(RENDERERS[fmt](result), fmt), owner=REPORT_OWNER, force=force)
    _say_notes(result)
    return 0


def _err(message: str) -> None:
    """A line on stderr, as ``typer.echo(message, err=True)`` writes it."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def data_file_problem(path: Path, *, folder: bool) -> SlactlError | None:
    """Why ``path`` cannot be read as a data file (None: it can); ``folder``: a folder of exports may do."""
    from slactl.errors import SlactlError, not_a_regular_file

    if path.is_file() or (folder and path.is_dir()):
        return None
    if not path.exists():
        return SlactlError("data file not found", path=str(path))
    if path.is_dir():
        return SlactlError("is a folder, not a data file", path=str(path), hint="give one file")
    # The report reads its inputs more than once (the format, the header, the byte ranges of -j).
    return not_a_regular_file(str(path), what="the export", folder_too=folder)


def _say_notes(result: Any) -> None:
    """On stderr: which source read which file, and the bad rows left out (the first ten)."""
    from slactl.textsafe import for_terminal  # notes and rows quote the data files: no control character

    for note in result.notes:
        if " was read as: " in note:
            _err(f"slactl: {for_terminal(note)}")
    if result.problems.count:
        count = result.problems.count
        _err(f"slactl: {count} bad {'row' if count == 1 else 'rows'} left out of the report:")
        for line in result.problems.shown[:10]:
            _err(f"  {for_terminal(line)}")
        if result.problems.count > 10:
            _err(f"  ... and {result.problems.count - 10} more (listed in the report)")


def _write_pack(
    result: Any,
    pack: Path,
    *,
    agreement: Path,
    inputs: dict[str, Any],
    options: dict[str, Any],
    force: bool,
    argv: Sequence[str],
) -> None:
    """Write the report pack: the report in every format and the manifest that lets --verify re-run it."""
    from slactl.report.pack import plan_pack, write_pack
    from slactl.report.render import RENDERERS
    from slactl.textsafe import for_terminal

    reports = {name: stamped_report(render(result), name) for name, render in RENDERERS.items()}
    plan = plan_pack(
        result, pack=pack, agreement=agreement, inputs=inputs, options=options, argv=list(argv), reports=reports
    )
    write_pack(pack, plan, reports, report_owner=REPORT_OWNER, force=force)
    _err(f"slactl: wrote the report pack {for_terminal(str(pack))} (report.md, .html, .json and manifest.json)")


def stamped_report(text: str, fmt: str) -> bytes:
    """The report with its sealed stamp: a last-line comment (md, html), a last ``$comment`` member (json).

    The stamp lets a later ``report -o`` replace this file, and only this file as written. It
    goes last, after every value taken from the data, so a value cannot pose as the stamp.
    """
    from slactl.safewrite import placeholder, seal

    stamp = placeholder(REPORT_OWNER)
    if fmt != "json":
        end = "" if text.endswith("\n") else "\n"
        return seal(f"{text}{end}<!-- {stamp} -->\n".encode())
    # A member of the JSON object, added as text so the renderer's layout stays as it is.
    body = text.rstrip()
    opening = re.match(r"\{(\s*)", body)
    head = body[:-1].rstrip()
    if opening is None or not body.endswith("}") or head == "{":  # pragma: no cover - to_json writes an object
        raise AssertionError("report JSON is not a non-empty object")
    member = f'{opening.group(1) or " "}"$comment": "{stamp}"'
    return seal(f"{head},{member}{body[len(head) :]}{text[len(body) :]}".encode())


def as_of_time(text: str) -> datetime:
    """The value of ``--as-of``: an ISO 8601 date or time, from 1900 to 8999."""
    from slactl.errors import SlactlError

    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise SlactlError(f"--as-of {text!r} is not an ISO 8601 date or time", hint="e.g. --as-of 2027-10-01") from None
    if not 1900 <= value.year <= 8999:  # the years of agreements; near 9999 datetime arithmetic overflows
        raise SlactlError(f"--as-of {text!r} is not from 1900-01-01 and before 9000-01-01")
    return value
