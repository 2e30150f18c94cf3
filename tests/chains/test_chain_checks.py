"""Chain checks: the example chain SLA -> OLA -> contract, and one variant of it per check.

Each variant copies the three example agreements (examples/cec-fy2027-rural-lending.yaml,
examples/cec-platform-ola-fy2027.yaml, examples/northwind-colocation-fy2027.yaml) into a
folder, makes one edit, and expects the check's code at the line of the dependent level's link
(or its target), with the arithmetic in the message; the numbers expected are computed here,
from the definitions in docs/chains.md, with ``fractions`` and ``datetime``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slactl.config import load_config
from slactl.findings import Finding
from slactl.rules import RULES
from slactl.rules.chains import compose, uncovered
from slactl.validate import validate_paths

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SLA = "cec-fy2027-rural-lending.yaml"
OLA = "cec-platform-ola-fy2027.yaml"
UC = "northwind-colocation-fy2027.yaml"
CHAIN = (SLA, OLA, UC)
CHAIN_CODES = {"SLA157", *(f"SLA16{i}" for i in range(10))}

SLA_HOSTING_LINK = "      - {agreement: cec-platform-ola-fy2027, level: platform-availability}\n"
SLA_DESK_LINK = "      - {agreement: cec-platform-ola-fy2027, level: platform-p1-resolution}\n"
OLA_POWER_LINK = "      - {agreement: northwind-colocation-fy2027, level: power-availability}\n"
OLA_NOC_LINK = "      - {agreement: northwind-colocation-fy2027, level: noc-p1-response}\n"
OLA_TRANSIT_LINK = "      - {agreement: northwind-colocation-fy2027, level: transit-availability}\n"
BUSINESS = "hours: {mon-fri: '08:00-17:00'}\n"
UC_BOTH = "underpins: [cec-fy2027-rural-lending, cec-platform-ola-fy2027]"
OLA_CREDITS = (
    "    - service_level: platform-availability\n      bands:\n"
    "        - {from: 99.5%, to: 99.9%, credit: 10%}\n        - {from: 0%, to: 99.5%, credit: 25%}\n"
)


def ola_target(target: str = "99.9%", window: str = "calendar_month") -> str:
    """The target and window of the OLA's platform-availability (the level with the comment below it)."""
    return f"    target: {target}\n    window: {window}\n    # Power"


def pct(fraction: Fraction, places: int = 2) -> str:
    """A fraction as a percentage cut (not rounded) to ``places`` decimals: the docs' display rule."""
    scaled = fraction * 100 * 10**places
    whole = scaled.numerator // scaled.denominator
    text = str(whole).rjust(places + 1, "0")
    return f"{text[:-places]}.{text[-places:]}%"


def portfolio(tmp_path: Path, edits: dict[str, list[tuple[str, str]]]) -> Path:
    folder = tmp_path / "portfolio"
    folder.mkdir()
    for name in (*CHAIN, "catalog.yaml", "slactl.yaml"):
        shutil.copy(EXAMPLES / name, folder / name)
    shutil.copytree(EXAMPLES / "clauses", folder / "clauses")  # the library slactl.yaml names
    for name, changes in edits.items():
        text = (folder / name).read_text()
        for old, new in changes:
            assert text.count(old) == 1, f"{old!r} is not once in {name}"
            text = text.replace(old, new)
        (folder / name).write_text(text)
    return folder


def line_of(folder: Path, name: str, text: str) -> int:
    lines = (folder / name).read_text().splitlines(keepends=True)
    found = [i for i, line in enumerate(lines, 1) if line == text or line.rstrip("\n") == text.rstrip("\n")]
    assert len(found) == 1, (text, found)
    return found[0]


def chain_findings(folder: Path) -> list[Finding]:
    result = validate_paths([folder], load_config(folder))
    return [f for f in result.findings if f.code in CHAIN_CODES]


def test_the_example_chain_validates_clean_even_strictly() -> None:
    result = validate_paths([EXAMPLES], load_config(EXAMPLES))
    assert result.findings == []
    # and it does rest on something: three links from the SLA and the OLA
    facts = {s.id: s.chain for s in result.summaries if s.kind == "Agreement"}
    links = [g for level in facts["cec-platform-ola-fy2027"].levels for g in level.depends]
    assert len(links) == 3


@dataclass(frozen=True)
class Variant:
    name: str
    code: str
    edits: dict[str, list[tuple[str, str]]]
    at: tuple[tuple[str, str], ...]  # (file, text of the line) where each finding is
    says: tuple[str, ...]  # text the message holds, the arithmetic computed in this test


def _variants() -> list[Variant]:
    ola_end = date(2027, 6, 30)
    gap = (date(2027, 9, 30) - ola_end).days  # the SLA ends 2027-09-30
    serial = Fraction(9995, 10000) * Fraction(9995, 10000)  # power x transit
    redundant = 1 - (1 - Fraction(9995, 10000)) * (1 - Fraction(9995, 10000))
    uncovered_hours = 7 * 24 - 5 * 9  # 24x7 support under a Mon-Fri 08:00-17:00 calendar
    return [
        Variant(
            "agreement-missing",
            "SLA160",
            {SLA: [(SLA_HOSTING_LINK, SLA_HOSTING_LINK.replace("fy2027", "fy2026"))]},
            ((SLA, SLA_HOSTING_LINK.replace("fy2027", "fy2026")),),
            ("agreement `cec-platform-ola-fy2026` is not among the files validated",),
        ),
        Variant(
            "level-missing",
            "SLA160",
            {SLA: [(SLA_HOSTING_LINK, SLA_HOSTING_LINK.replace("platform-availability", "platform-uptime"))]},
            ((SLA, SLA_HOSTING_LINK.replace("platform-availability", "platform-uptime")),),
            ("has no service level `platform-uptime`", "`platform-availability`"),
        ),
        Variant(
            "rests-on-a-customer-agreement",
            "SLA161",
            {OLA: [("  type: internal\n", "  type: customer\n")]},
            ((SLA, SLA_DESK_LINK), (SLA, SLA_HOSTING_LINK)),
            ("a customer agreement (`type: customer`)",),
        ),
        Variant(
            "term-ends-early",
            "SLA162",
            {OLA: [("  end: 2027-09-30\n", f"  end: {ola_end}\n")]},
            ((SLA, SLA_DESK_LINK),),  # once per pair of agreements, at the first link
            (f"ends {ola_end}, {gap} days before `cec-fy2027-rural-lending` ends 2027-09-30",),
        ),
        Variant(
            "one-sided-link",
            "SLA163",
            {
                UC: [
                    (
                        "underpins: [cec-fy2027-rural-lending, cec-platform-ola-fy2027]",
                        "underpins: [cec-fy2027-rural-lending]",
                    )
                ]
            },
            ((OLA, OLA_POWER_LINK),),
            ("does not say it underpins `cec-platform-ola-fy2027`",),
        ),
        Variant(
            "serial-availability",
            "SLA164",
            {
                OLA: [
                    (
                        "    target: 99.9%\n    window: calendar_month\n    # Power",
                        "    target: 99.95%\n    window: calendar_month\n    # Power",
                    )
                ]
            },
            ((OLA, "    target: 99.95%\n"),),
            (f"99.95% promised, rests on 99.95% x 99.95% = {pct(serial)}",),
        ),
        Variant(
            "redundant-availability",
            "SLA164",
            {
                OLA: [
                    (
                        "    target: 99.9%\n    window: calendar_month\n    # Power",
                        "    target: 99.99999%\n    window: calendar_month\n    # Power",
                    ),
                    (
                        OLA_POWER_LINK
                        + "      - {agreement: northwind-colocation-fy2027, level: transit-availability}\n",
                        "      - any_of:\n"
                        "          - {agreement: northwind-colocation-fy2027, level: power-availability}\n"
                        "          - {agreement: northwind-colocation-fy2027, level: transit-availability}\n",
                    ),
                ]
            },
            ((OLA, "    target: 99.99999%\n"),),
            (
                f"99.99999% promised, rests on (1 - (1 - 99.95%) x (1 - 99.95%) = {pct(redundant, 5)}) = "
                f"{pct(redundant, 5)}",
            ),
        ),
        Variant(
            "resolution-over-budget",
            "SLA165",
            {OLA: [("    target: 2h\n", "    target: 5h\n")]},
            ((SLA, SLA_DESK_LINK),),
            (f"promises 4 hours ({4 * 60} minutes)", f"at 5 hours ({5 * 60} minutes): {60} minutes over the budget"),
        ),
        Variant(
            "business-hours-under-24x7",
            "SLA166",
            {
                UC: [
                    (
                        "  noc:\n    timezone: America/Chicago\n    hours: 24x7\n",
                        "  noc:\n    timezone: America/Chicago\n    hours: {mon-fri: '08:00-17:00'}\n",
                    )
                ]
            },
            ((OLA, OLA_NOC_LINK),),
            ("`platform-p1-response` (30 minutes) runs on `on-call` (24x7)", "(Mon-Fri 08:00-17:00 America/Chicago)"),
        ),
        Variant(
            "quarterly-under-monthly",
            "SLA167",
            {
                OLA: [
                    (
                        "    target: 99.9%\n    window: calendar_month\n    # Power",
                        "    target: 99.9%\n    window: calendar_quarter\n    # Power",
                    )
                ]
            },
            ((SLA, SLA_HOSTING_LINK),),
            (
                "measured monthly (`calendar_month`",
                "quarterly (`calendar_quarter`",
                "a month it misses may still pass its quarter",
            ),
        ),
        Variant(
            "support-hours",
            "SLA168",
            {
                OLA: [
                    (
                        "  on-call:\n    timezone: America/New_York\n    hours: 24x7\n",
                        "  on-call:\n    timezone: America/New_York\n    hours: {mon-fri: '08:00-17:00'}\n",
                    )
                ]
            },
            ((SLA, SLA_HOSTING_LINK),),  # the desk's business hours are covered; the 24x7 hosting is not
            (f"{uncovered_hours} hours a week uncovered",),
        ),
        Variant(
            "credits-not-passed-through",
            "SLA169",
            {OLA: [(OLA_CREDITS, "")]},
            ((SLA, SLA_HOSTING_LINK),),
            (f"up to {max(10, 15, 25)}% of its charges", "owes it 0%", f"{25}% - 0% = {25 - 0}% not passed through"),
        ),
        Variant(
            "vendor-notice-longer",
            "SLA157",
            {OLA: [("termination:\n  notice: 60 days\n", "termination:\n  notice: 90 days\n")]},
            ((SLA, SLA_DESK_LINK),),
            (f"for {90 - 60} days more (90 - 60)",),
        ),
    ]


VARIANTS = _variants()


def test_every_chain_rule_has_a_variant() -> None:
    assert {v.code for v in VARIANTS} == CHAIN_CODES
    assert all(code in RULES for code in CHAIN_CODES)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: f"{v.code}-{v.name}")
def test_a_broken_chain_is_found_at_the_dependent_line_with_its_arithmetic(variant: Variant, tmp_path: Path) -> None:
    folder = portfolio(tmp_path, variant.edits)
    found = [f for f in chain_findings(folder) if f.code == variant.code]
    where = {(Path(f.file).name, f.line) for f in found}
    assert where == {(name, line_of(folder, name, text)) for name, text in variant.at}, found
    for finding in found:
        assert finding.severity is RULES[variant.code].severity
        for text in variant.says:
            assert text in finding.message, finding.message


def test_one_file_is_checked_against_the_agreements_beside_it(tmp_path: Path) -> None:
    folder = portfolio(tmp_path, {OLA: [("    target: 2h\n", "    target: 5h\n")]})
    result = validate_paths([folder / SLA], load_config(folder))
    assert sorted(Path(f).name for f in result.beside) == [OLA, UC]
    # The finding is the given file's; the OLA's own findings are not this run's.
    assert {(Path(f.file).name, f.code) for f in result.findings} == {(SLA, "SLA165")}


def test_without_the_agreements_beside_it_a_link_is_broken(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / SLA, tmp_path / SLA)
    shutil.copy(EXAMPLES / "catalog.yaml", tmp_path / "catalog.yaml")
    shutil.copy(EXAMPLES / "slactl.yaml", tmp_path / "slactl.yaml")
    shutil.copytree(EXAMPLES / "clauses", tmp_path / "clauses")
    result = validate_paths([tmp_path / SLA], load_config(tmp_path))
    assert sorted((f.code, f.line) for f in result.findings if f.code == "SLA160") == sorted(
        ("SLA160", line_of(tmp_path, SLA, text)) for text in (SLA_DESK_LINK, SLA_HOSTING_LINK)
    )


# --------------------------------------------------------------------------- the arithmetic

PERCENT = st.integers(min_value=9000, max_value=10000).map(lambda n: Fraction(n, 100))


@given(st.lists(st.lists(PERCENT, min_size=1, max_size=3), min_size=1, max_size=4))
def test_composition_is_serial_over_groups_and_redundant_within(groups: list[list[Fraction]]) -> None:
    from decimal import Decimal

    expected = Fraction(1)
    for group in groups:
        down = Fraction(1)
        for a in group:
            down *= 1 - a / 100
        expected *= 1 - down
    got = compose([[Decimal(a.numerator) / Decimal(a.denominator) for a in g] for g in groups])
    assert Fraction(got.value) == expected


@given(
    st.lists(st.tuples(st.integers(0, 10079), st.integers(1, 600)), max_size=4),
    st.lists(st.tuples(st.integers(0, 10079), st.integers(1, 600)), max_size=4),
)
def test_uncovered_minutes_are_the_set_difference(need: list[tuple[int, int]], have: list[tuple[int, int]]) -> None:
    from slactl.rules.chains import _merge

    a = _merge([(s, min(s + n, 10080)) for s, n in need])
    b = _merge([(s, min(s + n, 10080)) for s, n in have])
    minutes = {m for lo, hi in a for m in range(lo, hi)} - {m for lo, hi in b for m in range(lo, hi)}
    assert sum(hi - lo for lo, hi in uncovered(a, b)) == len(minutes)
    assert all(lo < hi for lo, hi in uncovered(a, b))


def test_depends_on_stays_out_of_the_digest_while_unused() -> None:
    import yaml

    from slactl.digest import canonical_json
    from slactl.model import Agreement

    data = yaml.safe_load((EXAMPLES / UC).read_text())
    assert b"depends_on" not in canonical_json(Agreement.model_validate(data))
    data["service_levels"][0]["depends_on"] = []
    assert b"depends_on" not in canonical_json(Agreement.model_validate(data))


def test_the_cli_says_what_it_read_beside(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from helpers_validate import run_main

    folder = portfolio(tmp_path, {})
    run = run_main(["validate", str(folder / SLA)], capsys)
    assert run.code == 0, run.out
    assert run.out == "2 files checked: 0 errors, 0 warnings\n"  # the SLA and the catalog of slactl.yaml
    assert run.err == (
        "slactl: note: to check `depends_on` links, also read (not validated) the agreements beside: "
        f"{folder / OLA}, {folder / UC}\n"
    )
