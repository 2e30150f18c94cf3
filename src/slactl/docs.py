"""docs/format.md, generated from the models: every section, every field, its type in words.

Regenerate with ``python -m slactl.docs``; a test fails when the committed file drifts.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

HEADER = "<!-- Generated from the models by `python -m slactl.docs`; do not edit by hand. -->\n"

INTRO = """\
# The slactl/v1 format

An agreements repository holds three kinds of YAML file:

- **agreements** (`kind: Agreement`), one file per service-level agreement, operational-level
  agreement (OLA) or underpinning vendor contract;
- **catalogs** (`kind: Catalog`), a provider's standard services with their prices and default
  service levels, which agreements refer to;
- **`slactl.yaml`**, the settings of the repository.

Each agreement and catalog starts with `apiVersion: slactl/v1` and its `kind`. Unknown keys are
errors (with a did-you-mean hint), so a misspelt field is never silently ignored. Editors get
completion and checking from the JSON Schema in `schema/` (`slactl schema` prints it): start a
file with `# yaml-language-server: $schema=../schema/agreement.schema.json`.

`slactl new` writes a new agreement with `TODO` placeholders; `slactl validate` warns about each
one left (SLA390).
"""

# Value formats: (type, written as, examples); the limits are those of slactl.model.types.
FORMATS = (
    (
        "text",
        "Any YAML string; quote it when it contains `: ` or starts with a special character.",
        '`Help Desk`, `"Tier 1: phone"`',
    ),
    (
        "id",
        "Lowercase letters, digits and dashes, starting and ending with a letter or digit, at most 64 characters.",
        "`its-fy2027-nrcs`, `help-desk`",
    ),
    (
        "date",
        "ISO 8601 calendar date, `YYYY-MM-DD`, from 1900-01-01 and before 9000-01-01. Timestamps are not dates.",
        "`2026-10-01`",
    ),
    (
        "fiscal year",
        "`FY` and the year the fiscal year ends in, `FY1900` to `FY8999`.",
        "`FY2027`",
    ),
    (
        "duration",
        "A number and a unit, several parts, or ISO 8601, of at most 3,660 days (ten years; also at most "
        "3,660 business days). See [Durations](#durations).",
        "`4h`, `30 minutes`, `1h 30m`, `1 business day`, `2 weeks`, `PT4H`",
    ),
    (
        "percentage",
        "A number with a `%` sign (required, so `0.999` and `99.9` cannot be confused); digits as for a number.",
        "`99.9%`",
    ),
    (
        "amount",
        "Money: an integer or an exact decimal, as a number or as text with thousands separators. "
        "Read exactly from the digits written: slactl's YAML loader never makes a binary float, so `12.50` is "
        "12.50 (and `2.5e1` is 25). Digits as for a number.",
        '`12000`, `12000.50`, `"12,000.00"`',
    ),
    (
        "money",
        "An amount, optionally after its ISO 4217 currency code (which must be the agreement's `pricing.currency`).",
        '`USD 1.00`, `"5,000"`',
    ),
    (
        "claim deadline",
        "A count and `days`, `business days`, `billing cycles` or `months`, then `after the window` or "
        "`after the incident`.",
        "`30 days after the window`, `2 billing cycles after the incident`",
    ),
    (
        "number",
        "An integer or an exact decimal, in the digits 0-9: at most 18 digits before the decimal point and 6 "
        "after (no NaN or infinity).",
        '`180`, `"2.5"`',
    ),
    (
        "target",
        "A percentage, a duration, a score `value/scale` or a whole count (at most 18 digits), as fits the metric.",
        "`99.9%`, `4h`, `4.5/5`, `3`",
    ),
    (
        "hours",
        "`24x7`, or days (`mon`..`sun`, or a range such as `mon-fri`) to a time span or a list of them; "
        "`24:00` ends a day.",
        '`{mon-fri: "08:00-17:00", sat: ["09:00-12:00", "13:00-15:00"]}`',
    ),
    (
        "time zone",
        "An IANA time zone name.",
        "`America/New_York`, `UTC`",
    ),
    (
        "e-mail address",
        "An address with `@` and a domain.",
        "`kim.nguyen@example.org`",
    ),
    (
        "currency code",
        "ISO 4217, three capital letters.",
        "`USD`, `EUR`",
    ),
    (
        "true or false",
        "Only `true` or `false` (`yes`, `on` and friends are text).",
        "`true`",
    ),
    (
        "whole number",
        "An integer.",
        "`3`",
    ),
)

DURATIONS = """\
## Durations

A duration is an amount of time on a service level's clock, and what it counts depends on the
unit and on the calendar the service level runs on (its `calendar`, else its service's
`support_hours`):

- **minutes** and **hours** count time on that calendar: business time on a business-hours
  calendar (a 4-hour response to a ticket opened at 16:00 on a `mon-fri 08:00-17:00` calendar is
  due at 11:00 the next business day), wall time on a `24x7` one;
- **business days** count business days of that calendar, each as long as its open hours of a
  week divided by its open days of a week (`slactl.clock.business_day`): 9 hours on `mon-fri
  08:00-17:00`, 8 hours on Mon-Thu 08:00-17:00 with Fri 08:00-12:00, 24 hours on `24x7`; `2
  business days` is twice that of business time on the calendar (holidays and closed days
  skipped). This one length is what `validate` compares durations with, what the rendered
  document states (where open days differ in length: "2 business days of 8 business hours
  each") and what `report` measures. Why this length: where every open day is as long (the
  usual case), N business days from an open instant end at the same time of day N open days
  later, as people count them; where days differ, no single length does that, and the mean
  keeps a week of business days equal to the open hours of a week (5 business days on the
  calendar above are 40 hours, one week of open time, wherever they start), while the longest
  open day would make 5 business days outrun the week and the shortest fall short of it;
- **days** and **weeks** are calendar (wall-clock) days, open or not.

Units may be written `m`, `min`, `minute(s)`; `h`, `hr`, `hour(s)`, `business hour(s)`; `d`,
`day(s)`, `calendar day(s)`; `w`, `wk`, `week(s)`; `bd`, `business day(s)`, `working day(s)`.
Parts add up (`1h 30m`, `1 week 2 days`); business days do not mix with other units, and a
duration with hours or minutes among its parts counts hours on the calendar: `1 day 12 hours`
and `P1DT12H` are `36h`, not `1.5 days`. ISO 8601 durations (`PT4H`, `P1D`) are accepted.
slactl writes each length one way on each clock, and the content digest covers that form:
`60 minutes`, `1h` and `PT1H` are all `1 hour`, `7 days` and `P1W` are `1 week`, while `1.5 days`
(36 wall-clock hours) stays `1.5 days` and never becomes `36 hours`.
"""

SECTIONS = (
    ("Agreement files", "Agreement", "One file per agreement, `kind: Agreement`."),
    ("Catalog files", "Catalog", "A provider's service catalog, `kind: Catalog`."),
    (
        "slactl.yaml",
        "RepoConfig",
        "The settings of the repository, in `slactl.yaml` at its top. slactl finds it by walking up "
        "from the files it is given, stopping at the top of the git work tree.",
    ),
)


def _aliases() -> list[tuple[Any, str]]:
    """Annotated types of the format and their names in words (linked to the value formats)."""
    from slactl.model import types as t
    from slactl.model.agreement import ClaimDeadlineT, CreditT, Hours, MoneyT, NoticeT, ParameterName, ParameterValue

    named = [
        (t.DurationT, "[duration](#durations)"),
        (NoticeT, "`immediate` or [duration](#durations)"),
        (t.PercentT, "percentage"),
        (CreditT, "[percentage](#value-formats) or `none`"),
        (MoneyT, "money"),
        (ClaimDeadlineT, "claim deadline"),
        (t.Amount, "amount"),
        (t.Number, "number"),
        (t.IsoDate, "date"),
        (t.TimeZone, "time zone"),
        (t.Slug, "id"),
        (t.FiscalYear, "fiscal year"),
        (t.Email, "e-mail address"),
        (t.Currency, "currency code"),
        (t.Text, "text"),
        (t.Target, "target"),
        (Hours, "hours"),
        (t.Bool, "true or false"),
        (t.Int, "whole number"),
        (ParameterValue, "text, number or true or false"),
        (ParameterName, "parameter name"),
    ]
    return [(alias, words if words.startswith("[") else f"[{words}](#value-formats)") for alias, words in named]


def _anchor(model: type[BaseModel]) -> str:
    return model.__name__.lower()


def type_words(hint: Any, aliases: list[tuple[Any, str]]) -> str:
    """A field's type as a reader says it: 'list of [Contact](#contact)', 'one of `a`, `b`'."""
    for alias, words in aliases:
        if hint is alias or hint == alias:
            return words
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Annotated:
        return type_words(args[0], aliases)
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        kept = [a for a in args if a is not type(None)]
        return " or ".join(type_words(a, aliases) for a in kept)
    if origin is typing.Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of {type_words(args[0], aliases)}"
    if origin is dict:
        return f"mapping of {type_words(args[0], aliases)} to {type_words(args[1], aliases)}"
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return f"[{hint.__name__}](#{_anchor(hint)})"
    if hint is str:
        return "[text](#value-formats)"
    if hint is bool:
        return "[true or false](#value-formats)"
    if hint is int:
        return "[whole number](#value-formats)"
    raise TypeError(f"no words for type {hint!r}; add it to slactl.docs")


def _constraints(info: FieldInfo, words: str) -> str:
    parts = []
    collection = words.startswith(("list of", "mapping of"))
    for item in info.metadata:
        if getattr(item, "min_length", None):
            if not collection:
                parts.append("not empty")
            else:
                parts.append("at least one" if item.min_length == 1 else f"at least {item.min_length}")
        if getattr(item, "ge", None) is not None:
            parts.append(f"at least {item.ge}")
    return f" ({', '.join(parts)})" if parts else ""


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        made = info.default_factory()  # type: ignore[call-arg]
        return "optional, default empty" if made in ([], {}) else "optional"
    if info.default is None:
        return "optional"
    value = info.default
    shown = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return f"optional, default `{shown}`"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _models(root: type[BaseModel], seen: set[type[BaseModel]]) -> Iterator[type[BaseModel]]:
    """``root`` and every model under it, depth-first in field order, each once."""
    if root in seen:
        return
    seen.add(root)
    yield root
    hints = typing.get_type_hints(root, include_extras=True)
    for name in root.model_fields:
        yield from (m for sub in _nested(hints[name]) for m in _models(sub, seen))


def _nested(hint: Any) -> Iterator[type[BaseModel]]:
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        yield hint
        return
    for arg in typing.get_args(hint):
        yield from _nested(arg)


def _docstring(model: type[BaseModel]) -> str:
    text = (model.__doc__ or "").strip().split("\n\n")[0]
    return " ".join(text.replace("``", "`").split())


def model_section(model: type[BaseModel], aliases: list[tuple[Any, str]]) -> str:
    """One model: heading, what it is, and its fields as a table."""
    hints = typing.get_type_hints(model, include_extras=True)
    lines = [f"### {model.__name__}", "", _docstring(model), ""]
    lines += ["| Field | Type | Required | Description |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        key = info.alias or name
        words = type_words(hints[name], aliases)
        words += _constraints(info, words)
        lines.append(f"| `{key}` | {_cell(words)} | {_default(info)} | {_cell(info.description or '')} |")
    return "\n".join(lines) + "\n"


def generate() -> str:
    """The whole of docs/format.md."""
    from slactl.model import Agreement, Catalog
    from slactl.model.config import RepoConfig

    roots: dict[str, type[BaseModel]] = {"Agreement": Agreement, "Catalog": Catalog, "RepoConfig": RepoConfig}
    aliases = _aliases()
    seen: set[type[BaseModel]] = set()
    formats = "\n".join(f"| {kind} | {written} | {examples} |" for kind, written, examples in FORMATS)
    values = f"## Value formats\n\n| Type | Written as | Examples |\n|---|---|---|\n{formats}\n\n"
    parts = [HEADER, INTRO, values + DURATIONS]
    for heading, root, blurb in SECTIONS:
        models = list(_models(roots[root], seen))
        parts.append(f"## {heading}\n\n{blurb}\n")
        parts.extend(model_section(m, aliases) for m in models)
    return "\n".join(parts)


DOCS_PATH = Path(__file__).resolve().parents[2] / "docs" / "format.md"


def write(path: Path = DOCS_PATH) -> Path:
    """Write docs/format.md."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(generate(), encoding="utf-8", newline="\n")
    return path


if __name__ == "__main__":  # `python -m slactl.docs`: regenerate docs/format.md
    write()
