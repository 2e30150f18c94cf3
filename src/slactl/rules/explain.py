"""What each rule checks, why a reviewer cares, and an example of the fix.

`slactl explain-rule CODE` and docs/rules.md show these. Each example is an edit of one
known-valid agreement, the rule corpus's ``tests/cases/valid/complete.yaml`` (validated with
``tests/cases/slactl.yaml``): ``anchor`` is text of that file, replaced by ``bad`` for the
broken file and by ``good`` for the fixed one. tests/cli/test_explain.py validates both for every
code, so an example cannot show a fix that does not fix. The data is plain (this module
imports no pydantic); ``describe`` adds severity and summary from the rule registry.

Longer than 600 lines because it is one table, an entry per rule code: splitting it would only
scatter the rules' documentation.
"""

from __future__ import annotations

from dataclasses import dataclass

BASE = "tests/cases/valid/complete.yaml"


@dataclass(frozen=True)
class Fix:
    """A broken snippet and its correction, as edits of the corpus agreement.

    ``anchor`` (default: ``good``) is replaced by ``bad`` or ``good``; an empty anchor means the
    snippets are whole files. ``setup`` are further (old, new) edits made to both files first
    (linking the agreement to a catalog); ``files`` are other files of the run (name, text).
    ``target`` is the file the snippets are in: the agreement, or ``.gitattributes`` (then the
    run is in a git work tree). ``bad_encoding`` saves the broken file in another encoding;
    ``bad_size`` pads it with comment lines to that many bytes (no example can show 2 MiB).
    """

    bad: str
    good: str
    anchor: str | None = None
    setup: tuple[tuple[str, str], ...] = ()
    files: tuple[tuple[str, str], ...] = ()
    target: str = "agreement.yaml"
    bad_encoding: str = "utf-8"
    bad_size: int = 0
    note: str = ""  # said above the example: what the snippet does not show


@dataclass(frozen=True)
class Explanation:
    """A rule's longer documentation: what it checks and why, and how to fix it."""

    why: str
    fix: Fix | None = None
    # Why no file can show this finding (only for codes without a fix example).
    no_example: str = ""


CATALOG = """\
apiVersion: slactl/v1
kind: Catalog
metadata:
  id: corpus-catalog
  title: Corpus catalog
  provider: Information Technology Services
currency: USD
services:
  - {id: desk, name: Service Desk, unit: user-month, unit_price: "45.00"}
  - {id: hosting, name: Hosting, unit: month, unit_price: "450.00"}
"""

PREVIOUS = """\
apiVersion: slactl/v1
kind: Agreement
metadata:
  id: corpus-complete-fy2026
  title: Corpus agreement FY2026
  type: customer
  structure: service-based
parties:
  provider:
    name: ITS
    organization: Information Technology Services
    contacts:
      - {name: Ada Park, role: Service Line Manager}
  customer: {}
term:
  start: 2025-10-01
services:
  - id: desk
    name: Service Desk
"""

_META = "  structure: service-based\n"
_META_LINKED = "  structure: service-based\n  catalog: corpus-catalog\n"
_SERVICES = """\
services:
  - id: desk
    name: Service Desk
    support_hours: business
  - id: hosting
    name: Hosting
"""
_SERVICES_LINKED = """\
services:
  - id: desk
    name: Service Desk
    catalog: desk
    support_hours: business
  - id: hosting
    name: Hosting
    catalog: hosting
"""
_LINK_META = ((_META, _META_LINKED),)
_LINK_SERVICES = ((_SERVICES, _SERVICES_LINKED),)
_WITH_CATALOG = (("catalog.yaml", CATALOG),)

_TERM = "term:\n  start: 2026-10-01\n  end: 2027-09-30\n  fiscal_year: FY2027\n"
# Whole lines of the corpus agreement's service levels.
_P1_RES = (
    "  - {id: desk-p1-resolution, service: desk, metric: resolution_time, scope: {priority: P1}, target: 4h, "
    "attainment: 95%, window: calendar_month}\n"
)
_P2 = (
    "  - {id: desk-p2-response, service: desk, metric: response_time, scope: {priority: P2}, target: 4h, "
    "attainment: 90%, window: calendar_month}\n"
)
_SAT = (
    "  - {id: desk-satisfaction, service: desk, metric: satisfaction, target: 4.2/5, "
    "window: calendar_quarter, calendar: business}\n"
)
_ATTENDEES = ", attendees: [Ada Park, Eve Lin, IT Liaison, RLPO]}\n"
_REWARD = " condition: Target met for a quarter, reward: Recognition}\n"
_OCT = '    - {due: 2026-10-15, amount: "30,000.00"}\n'
_APR = '    - {due: 2027-04-15, amount: "30,000.00"}\n'
_PAY = "  payment_schedule:\n" + _OCT + _APR
_ITEMS = (
    '    - {service: desk, quantity: 1200, unit: user-month, unit_price: "45.00", amount: "54,000.00"}\n'
    '    - {service: hosting, quantity: 12, unit: month, unit_price: "500.00", amount: "6,000.00"}\n'
)
_LEVELS = (
    "escalation:\n  levels:\n    - {level: 1, contact: Ben Ortiz, after: 4h}\n"
    "    - {level: 2, contact: Ada Park, after: 1 business day}\n    - {level: 3, contact: Dev Rao, after: 3 days}\n"
)
_STAGES = (
    "approvals:\n  stages:\n    - {stage: management, roles: [management], approvers: [Ada Park]}\n"
    "    - {stage: legal, roles: [legal], approvers: [Cleo Hart]}\n"
)
_BANDS = (
    "    - service_level: hosting-availability\n      bands:\n"
    "        - {from: 99.5%, to: 99.9%, credit: 10%}\n        - {from: 0%, to: 99.5%, credit: 25%}\n"
)


def _ignore(code: str) -> str:
    return f"ignore:\n  - {{code: {code}, path: escalation, reason: public terms have no escalation ladder}}\n"


_END = "signatories:\n  - {party: provider, name: Ada Park}\n  - {party: customer, name: Dev Rao}\n"


def _clause(clause_id: str, values: str, version: int = 1) -> str:
    return f"clauses:\n  - {{use: {clause_id}, version: {version}, with: {values}}}\n"


_GOVERNING_LAW = """\
---
id: governing-law
version: 1
title: Governing law
section: governing-law
parameters:
  jurisdiction: {type: text}
---
This agreement is governed by the laws of {{ jurisdiction }}.
"""
_LIABILITY = """\
---
id: liability
version: 1
title: Limitation of liability
section: liability
parameters:
  cap_months: {type: number}
---
Each party's liability is limited to the fees of {{ cap_months }} months.
"""
_WITH_CLAUSE = (("clauses/governing-law.md", _GOVERNING_LAW), ("clauses/liability.md", _LIABILITY))

EXPLANATIONS: dict[str, Explanation] = {
    "SLA001": Explanation(
        "The file must parse as YAML before anything else can be checked. The commonest causes are a "
        "tab in the indentation, a colon followed by a space inside a plain value, and an unclosed quote.",
        Fix(
            bad="communication:\n  meetings:\n    - {name: Service review: monthly, cadence: monthly" + _ATTENDEES,
            good='communication:\n  meetings:\n    - {name: "Service review: monthly", cadence: monthly' + _ATTENDEES,
            anchor="communication:\n  meetings:\n    - {name: Service review, cadence: monthly" + _ATTENDEES,
            note="A colon and a space inside a plain value start a new key: quote the value.",
        ),
    ),
    "SLA002": Explanation(
        "slactl reads UTF-8 only, so that every tool and every reviewer sees the same characters. "
        "Files saved by some editors in Latin-1 or UTF-16 are refused instead of guessed at.",
        Fix(
            bad="  title: Corpus agreement (Café)\n",
            good="  title: Corpus agreement (Café)\n",
            anchor="  title: Corpus agreement\n",
            bad_encoding="latin-1",
            note="The same text: the broken file is saved as Latin-1, the fixed one as UTF-8 (your editor's "
            "'save with encoding').",
        ),
    ),
    "SLA003": Explanation(
        "An empty file, or one with only comments, is no agreement. Start one with `slactl new`.",
        Fix(
            bad="# the FY2027 agreement: to be written\n",
            good="# the FY2027 agreement: started with `slactl new`\napiVersion: slactl/v1\nkind: Agreement\n",
            anchor="",
            note="The fixed file is the start of what `slactl new` writes; the rest of the fields follow.",
        ),
    ),
    "SLA004": Explanation(
        "One file holds one agreement, so that its history, its approvals and its digest belong to one "
        "document. A `---` line starts a second YAML document: split it into its own file.",
        Fix(
            bad=_END + "---\napiVersion: slactl/v1\nkind: Agreement\n",
            good=_END,
            note="Move the second document into a file of its own.",
        ),
    ),
    "SLA005": Explanation(
        "YAML keeps only the last of two equal keys, so the first value would vanish silently from "
        "what is rendered and signed. Keep one of them.",
        Fix(
            bad="  title: Corpus agreement\n  type: customer\n  title: Corpus agreement FY2027\n",
            good="  title: Corpus agreement\n  type: customer\n",
        ),
    ),
    "SLA006": Explanation(
        "Anchors (`&name`) and aliases (`*name`) make one value appear in many places, which a "
        "reviewer reading a diff cannot see. Write each value out.",
        Fix(
            bad="      - {name: Ada Park, role: &manager Service Line Manager}\n"
            "      - {name: Ben Ortiz, role: *manager}\n",
            good="      - {name: Ada Park, role: Service Line Manager}\n"
            "      - {name: Ben Ortiz, role: Service Desk Manager}\n",
        ),
    ),
    "SLA007": Explanation(
        "A tag (`!!python/object`, `!custom`) asks a YAML reader to build objects, a known attack on "
        "loaders, and has no meaning in an agreement. Write the plain value.",
        Fix(bad="  title: !vault corpus-title\n", good="  title: Corpus agreement\n"),
    ),
    "SLA008": Explanation(
        "An agreement is a few pages of text; a file larger than 2 MiB is almost always a pasted log or "
        "an attachment, and is refused so that validation stays fast and safe. Link to the material instead.",
        Fix(
            bad="  title: Corpus agreement\n# (followed by 2 MiB of a pasted incident log)\n",
            good="  title: Corpus agreement\n# incident log: https://intranet.example/incidents/2026\n",
            anchor="  title: Corpus agreement\n",
            bad_size=2 * 1024 * 1024 + 1,
            note="The broken file is padded with comment lines to just over 2 MiB.",
        ),
    ),
    "SLA009": Explanation(
        "Keys are plain text and nesting stays shallow: a number, a date or a list as a key, or hundreds "
        "of levels, is no field of an agreement and is refused before it can cost time or confuse a reader.",
        Fix(
            bad='    hours: {[mon, fri]: "08:00-17:00"}\n',
            good='    hours: {mon-fri: "08:00-17:00"}\n',
            note="A list as a key: write the days as one text key.",
        ),
    ),
    "SLA010": Explanation(
        "An agreement is a mapping of keys (`apiVersion`, `kind`, `metadata`...). A list or a single "
        "value at the top usually means a stray `-` or a lost indentation.",
        Fix(
            bad="- apiVersion: slactl/v1\n- kind: Agreement\n",
            good="apiVersion: slactl/v1\nkind: Agreement\n",
            anchor="",
            note="The fixed file is the start of an agreement; the rest of the fields follow.",
        ),
    ),
    "SLA011": Explanation(
        "`apiVersion: slactl/v1` and `kind` (`Agreement` or `Catalog`) say which schema applies; "
        "without them slactl cannot tell what the file must contain.",
        Fix(bad="apiVersion: slactl/v1\nkind: Contract\n", good="apiVersion: slactl/v1\nkind: Agreement\n"),
    ),
    "SLA012": Explanation(
        "The file looks like an agreement but does not declare itself as one (a misspelt `apiVersion`, "
        "a missing one), so it would be passed over silently. Fix the declaration.",
        Fix(bad="apiVerison: slactl/v1\nkind: Agreement\n", good="apiVersion: slactl/v1\nkind: Agreement\n"),
    ),
    "SLA013": Explanation(
        "The bidirectional controls (embeddings, overrides and isolates) are invisible and change the "
        "order in which the text after them is shown: a reviewer of the pull request, or a signer of "
        'the rendered document, could read terms other than the ones the file holds (the "Trojan '
        'Source" attack). Right-to-left letters carry their own direction; where mixed text needs a '
        "hint, the marks U+200E and U+200F are not refused. Remove the character, whether typed or "
        "written as a `\\u` escape.",
        Fix(
            bad='  title: "Corpus agreement\\u202e"\n',
            good="  title: Corpus agreement\n",
            note="The escape writes U+202E (RIGHT-TO-LEFT OVERRIDE) into the title without showing it.",
        ),
    ),
    "SLA020": Explanation(
        "Each field has a form: dates as YYYY-MM-DD, durations as `4h` or `2 business days`, percentages "
        "with `%`, money as quoted text. A value in another form would be read wrongly or not at all.",
        Fix(
            bad="term:\n  start: 2026-10-01\n  end: 30/09/2027\n",
            good="term:\n  start: 2026-10-01\n  end: 2027-09-30\n",
        ),
    ),
    "SLA021": Explanation(
        "A key the schema does not know is ignored by every other tool, so what it says would never "
        "reach the rendered document. Usually a typo: the message names the key it is closest to.",
        Fix(
            bad="  - id: desk\n    name: Service Desk\n    suport_hours: business\n",
            good="  - id: desk\n    name: Service Desk\n    support_hours: business\n",
        ),
    ),
    "SLA022": Explanation(
        "Some fields every agreement needs (an id, a title, the parties, the term's start...). The "
        "message names the missing one and where it belongs.",
        Fix(
            bad="metadata:\n  id: corpus-complete\n  type: customer\n",
            good="metadata:\n  id: corpus-complete\n  title: Corpus agreement\n  type: customer\n",
        ),
    ),
    "SLA030": Explanation(
        "slactl found the file but could not read it (no permission, a file removed during the run). "
        "The message gives the system's reason; fix access to the file and run again.",
        no_example="an unreadable file is a property of the file system, not of the file's text: no "
        "snippet of YAML produces it",
    ),
    "SLA031": Explanation(
        "`.gitattributes` can make git store other bytes than the ones in the work tree "
        "(`working-tree-encoding`, `filter`, `ident`), so what was validated and approved would not be "
        "what is committed. Line-ending settings (`text`, `eol`) are fine.",
        Fix(bad="*.yaml ident\n", good="*.yaml text eol=lf\n", anchor="", target=".gitattributes"),
    ),
    "SLA100": Explanation(
        "A term that ends on or before its start day covers no time: no service level can be measured "
        "and no payment falls in it. Usually a year typed wrong.",
        Fix(bad=_TERM.replace("end: 2027", "end: 2026"), good=_TERM),
    ),
    "SLA101": Explanation(
        "`term.fiscal_year` names the budget year that pays for the agreement; a term outside it "
        "(with the fiscal-year start in slactl.yaml) means one of the two is wrong.",
        Fix(bad=_TERM.replace("FY2027", "FY2026"), good=_TERM),
    ),
    "SLA110": Explanation(
        "The payments must add up to `pricing.total`, or the customer pays more or less than the price agreed.",
        Fix(bad=_PAY.replace('2027-04-15, amount: "30,000.00"', '2027-04-15, amount: "29,000.00"'), good=_PAY),
    ),
    "SLA111": Explanation(
        "A payment due outside the term is for a period the agreement does not cover.",
        Fix(bad=_PAY.replace("2027-04-15", "2027-10-15"), good=_PAY),
    ),
    "SLA112": Explanation(
        "`pricing.total` is what is signed for; it must be the sum of the items, or the document states two prices.",
        Fix(bad=_ITEMS + '  total: "61,000.00"\n', good=_ITEMS + '  total: "60,000.00"\n'),
    ),
    "SLA113": Explanation(
        "Each price item's `amount` must be its quantity times its unit price, so that a reader can check "
        "the arithmetic.",
        Fix(bad=_ITEMS.replace('amount: "54,000.00"', 'amount: "45,000.00"'), good=_ITEMS),
    ),
    "SLA114": Explanation(
        "A `custom_fee` is the negotiated price of a service; a price item charging another unit price contradicts it.",
        Fix(bad=_ITEMS.replace('unit_price: "500.00"', 'unit_price: "550.00"'), good=_ITEMS),
    ),
    "SLA115": Explanation(
        "A price item charges for a service by id; an id that is in no service means paying for "
        "something the agreement does not describe.",
        Fix(bad=_ITEMS.replace("service: hosting", "service: hostng"), good=_ITEMS),
    ),
    "SLA120": Explanation(
        "Escalation contacts and stage approvers must be contacts of a party, so each has a role and an "
        "organization, and a misspelt name cannot slip in.",
        Fix(bad=_LEVELS.replace("contact: Ben Ortiz", "contact: Ben Ortis"), good=_LEVELS),
    ),
    "SLA121": Explanation(
        "A signatory signs for one party and must be one of that party's contacts; otherwise the "
        "signature block names someone who cannot bind that party.",
        Fix(bad=_END.replace("customer, name: Dev Rao", "customer, name: Ada Park"), good=_END),
    ),
    "SLA122": Explanation(
        'Escalation levels are numbered 1, 2, 3... in order, so that "level 2" means one thing to both parties.',
        Fix(bad=_LEVELS.replace("level: 3", "level: 4"), good=_LEVELS),
    ),
    "SLA123": Explanation(
        "Each escalation level starts later than the one before (`after` strictly increases); a level "
        "that starts sooner would be skipped or reached out of order. Business time is compared as "
        "working minutes.",
        Fix(bad=_LEVELS.replace("after: 1 business day", "after: 2h"), good=_LEVELS),
    ),
    "SLA124": Explanation(
        "Approval stages name roles from slactl.yaml `roles`, the list the roster assigns to people; "
        "an unknown role could never be approved.",
        Fix(bad=_STAGES.replace("roles: [legal]", "roles: [legal-review]"), good=_STAGES),
    ),
    "SLA130": Explanation(
        "A response must come before the resolution: a response target longer than the resolution target "
        "of the same service and scope cannot both be met in the intended order.",
        Fix(bad=_P2.replace("target: 4h", "target: 3 business days"), good=_P2),
    ),
    "SLA131": Explanation(
        "A higher priority (P1) gets a tighter target and at least the attainment of a lower one (P2); "
        "otherwise the urgent case is promised less.",
        Fix(bad=_P1_RES.replace("target: 4h", "target: 3 business days"), good=_P1_RES),
    ),
    "SLA132": Explanation(
        "Percentages are between 0% and 100% (an attainment above 0%) and scores within their scale; "
        "a value outside is a typo or a promise that means nothing.",
        Fix(bad=_P2.replace("attainment: 90%", "attainment: 0%"), good=_P2),
    ),
    "SLA133": Explanation(
        "A service level is measured over a window (`calendar_month`, `calendar_quarter`...); without one "
        "nobody can tell whether it was met.",
        Fix(bad=_SAT.replace("window: calendar_quarter, ", ""), good=_SAT),
    ),
    "SLA134": Explanation(
        "A service level belongs to a service listed in `services`; an unknown id measures nothing the "
        "agreement provides.",
        Fix(bad=_SAT.replace("service: desk", "service: dsk"), good=_SAT),
    ),
    "SLA135": Explanation(
        "Calendars say when the clock runs (business hours, 24x7); one that is named but not defined in "
        "`calendars`, or a service level with no calendar at all, leaves time targets undefined.",
        Fix(
            bad=_SAT.replace("calendar: business", "calendar: office"),
            good=_SAT,
        ),
    ),
    "SLA136": Explanation(
        "Credits, rewards, penalties and termination conditions refer to a service level by id; an "
        "unknown id attaches a consequence to nothing.",
        Fix(
            bad="  rewards:\n    - {service_level: desk-csat," + _REWARD,
            good="  rewards:\n    - {service_level: desk-satisfaction," + _REWARD,
        ),
    ),
    "SLA140": Explanation(
        "Ids (of services, service levels, approval stages) are how other parts of the file refer to an "
        "entry; an id used twice makes those references ambiguous.",
        Fix(bad=_STAGES.replace("stage: legal", "stage: management"), good=_STAGES),
    ),
    "SLA141": Explanation(
        "Contacts are referred to by name (escalation, approvers, signatories); two contacts of one party "
        "with the same name make that ambiguous.",
        Fix(
            bad="      - {name: Eve Lin, role: IT Liaison}\n      - {name: Dev Rao, role: Budget Officer}\n",
            good="      - {name: Eve Lin, role: IT Liaison}\n",
        ),
    ),
    "SLA142": Explanation(
        "A credit band covers measured values from `from` up to `to`; a band whose `from` is not below "
        "its `to` covers nothing.",
        Fix(
            bad="        - {from: 95%, to: 95%, credit: 5%}\n",
            good="        - {from: 0%, to: 95%, credit: 5%}\n",
        ),
    ),
    "SLA143": Explanation(
        "Credit bands of one schedule must not overlap, so each measured value earns exactly one credit.",
        Fix(bad=_BANDS.replace("to: 99.5%", "to: 99.7%"), good=_BANDS),
    ),
    "SLA144": Explanation(
        "A credit amount (`minimum`, `agreement_cap`) must be above zero and in the agreement's currency "
        "(`pricing.currency`); otherwise the credit cannot be computed against the price.",
        Fix(
            bad="credits:\n  monthly_cap: 25%\n  minimum: EUR 1.00\n",
            good="credits:\n  monthly_cap: 25%\n  minimum: USD 1.00\n",
            anchor="credits:\n  monthly_cap: 25%\n",
        ),
    ),
    "SLA150": Explanation(
        "`metadata.id` names an agreement everywhere (history, approvals, links between agreements); two "
        "files with one id would share all of that.",
        Fix(
            bad="metadata:\n  id: corpus-catalog\n",
            good="metadata:\n  id: corpus-complete\n",
            files=_WITH_CATALOG,
            note="Another file of the run (the catalog) already uses the id `corpus-catalog`.",
        ),
    ),
    "SLA151": Explanation(
        "The catalog an agreement names must be validated with it (in the same run, or listed under "
        "`catalogs` in slactl.yaml), or its prices cannot be checked.",
        Fix(bad=_META + "  catalog: corpus-catalg\n", good=_META_LINKED, anchor=_META, files=_WITH_CATALOG),
    ),
    "SLA152": Explanation(
        "A service that refers to a catalog service by id must name one the catalog has.",
        Fix(
            bad=_SERVICES_LINKED.replace("catalog: desk", "catalog: dsk"),
            good=_SERVICES_LINKED,
            anchor=_SERVICES,
            setup=_LINK_META,
            files=_WITH_CATALOG,
        ),
    ),
    "SLA153": Explanation(
        "A catalog service costs the catalog's price unless the agreement states a negotiated "
        "`custom_fee`; a silent other price is either a mistake or an unrecorded discount.",
        Fix(
            bad=_SERVICES_LINKED + "    support_hours: always\n",
            good=_SERVICES_LINKED + '    custom_fee: "500.00"\n    support_hours: always\n',
            anchor=_SERVICES + '    custom_fee: "500.00"\n    support_hours: always\n',
            setup=_LINK_META,
            files=_WITH_CATALOG,
            note="The catalog lists `hosting` at 450.00; the agreement charges 500.00.",
        ),
    ),
    "SLA154": Explanation(
        "Services can refer to catalog services only when `metadata.catalog` says which catalog.",
        Fix(bad=_META, good=_META_LINKED, anchor=_META, setup=_LINK_SERVICES, files=_WITH_CATALOG),
    ),
    "SLA155": Explanation(
        "`underpins`, `underpinned_by` and `renews` link agreements by id; a link to an agreement not "
        "among the files validated may be a typo. Validate the linked agreements together.",
        Fix(
            bad=_META + "  renews: corpus-complete-fy2025\n",
            good=_META + "  renews: corpus-complete-fy2026\n",
            anchor=_META,
            files=(("previous.yaml", PREVIOUS),),
        ),
    ),
    "SLA156": Explanation(
        "An agreement priced from a catalog is priced in the catalog's currency; two currencies make "
        "every price comparison meaningless.",
        Fix(
            bad="pricing:\n  currency: EUR\n",
            good="pricing:\n  currency: USD\n",
            setup=_LINK_META,
            files=_WITH_CATALOG,
        ),
    ),
    "SLA170": Explanation(
        "An `ignore` entry accepts a finding by its code; a code that is no rule's accepts nothing, "
        "usually a typo (the letter O for a zero).",
        Fix(
            bad=_END + _ignore("SLA3O5"),
            good=_END + _ignore("SLA305"),
            anchor=_END,
            setup=((_LEVELS, ""),),
        ),
    ),
    "SLA171": Explanation(
        "Only findings about a document can be accepted. The loader's and the schema's codes (SLA0xx) "
        "mean the file could not be read as a document, and the codes about `ignore` itself cannot "
        "accept themselves: fix those instead.",
        Fix(
            bad=_END + _ignore("SLA021"),
            good=_END + _ignore("SLA305"),
            anchor=_END,
            setup=((_LEVELS, ""),),
        ),
    ),
    "SLA180": Explanation(
        "A library clause is named by its id (the `id` in its file's front matter); an id the library does "
        "not have is usually a typo, or a clause file not committed yet.",
        Fix(
            bad=_END + _clause("governing-lw", "{jurisdiction: the State of Virginia}"),
            good=_END + _clause("governing-law", "{jurisdiction: the State of Virginia}"),
            anchor=_END,
            files=_WITH_CLAUSE,
            note="The clause library (`clauses/` beside slactl.yaml) holds `clauses/governing-law.md`, version 1.",
        ),
    ),
    "SLA181": Explanation(
        "An agreement pins the version of each library clause it uses, so the words it was approved with "
        "cannot change under it; a version the library does not have cannot be rendered.",
        Fix(
            bad=_END + _clause("governing-law", "{jurisdiction: the State of Virginia}", 2),
            good=_END + _clause("governing-law", "{jurisdiction: the State of Virginia}"),
            anchor=_END,
            files=_WITH_CLAUSE,
            note="The library has version 1 of `governing-law` only.",
        ),
    ),
    "SLA182": Explanation(
        "A clause's text prints its parameters; one without a value (and without a default in the clause "
        "file) would leave a gap in the signed words.",
        Fix(
            bad=_END + _clause("governing-law", "{}"),
            good=_END + _clause("governing-law", "{jurisdiction: the State of Virginia}"),
            anchor=_END,
            files=_WITH_CLAUSE,
        ),
    ),
    "SLA183": Explanation(
        "A value for a parameter the clause does not have is printed nowhere: usually a misspelt name, "
        "so the parameter meant is left without its value.",
        Fix(
            bad=_END + _clause("governing-law", "{jurisdiction: the State of Virginia, venue: Richmond}"),
            good=_END + _clause("governing-law", "{jurisdiction: the State of Virginia}"),
            anchor=_END,
            files=_WITH_CLAUSE,
        ),
    ),
    "SLA184": Explanation(
        "Each parameter has a type in the clause file (text, choice, number, duration, date); a value of "
        "another type would print words the clause was not written for.",
        Fix(
            bad=_END + _clause("liability", "{cap_months: twelve}"),
            good=_END + _clause("liability", "{cap_months: 12}"),
            anchor=_END,
            files=_WITH_CLAUSE,
            note="`cap_months` of the `liability` clause is a number.",
        ),
    ),
    "SLA185": Explanation(
        "A clause file that cannot be read (no front matter, an unknown parameter type, the same id and "
        "version twice) is left out of the library: the agreements that use it could not be rendered.",
        Fix(
            bad=_GOVERNING_LAW.replace("---\n", "", 1),
            good=_GOVERNING_LAW,
            anchor="",
            setup=((_END, _END + _clause("governing-law", "{jurisdiction: the State of Virginia}")),),
            target="clauses/governing-law.md",
            note="The agreement uses `governing-law` version 1; its file lost the first `---` line.",
        ),
    ),
    "SLA300": Explanation(
        "Payments listed in date order read as a schedule; out of order, a reader can miss one.",
        Fix(
            bad="  payment_schedule:\n" + _APR + _OCT,
            good=_PAY,
        ),
    ),
    "SLA301": Explanation(
        "Meeting attendees and report audiences are contacts, contacts' roles or parties, so each can be "
        "reached; an unknown name is usually a typo or someone not in the agreement.",
        Fix(
            bad="    - {name: Service review, cadence: monthly, attendees: [Zed Quinn, Ada Park, Eve Lin]}\n",
            good="    - {name: Service review, cadence: monthly, attendees: [Ada Park, Eve Lin]}\n",
            anchor="    - {name: Service review, cadence: monthly, attendees: [Ada Park, Eve Lin, IT Liaison, RLPO]}\n",
        ),
    ),
    "SLA302": Explanation(
        "The top credit band ends at the service level's target (or attainment): above it the target is "
        "met and no credit is due, below it every shortfall earns one.",
        Fix(bad=_BANDS.replace("to: 99.9%", "to: 99.95%"), good=_BANDS),
    ),
    "SLA303": Explanation(
        "`credits.monthly_cap` limits the credit of a month; a band that gives more promises a credit that "
        "will never be paid in full.",
        Fix(bad=_BANDS.replace("credit: 25%", "credit: 30%"), good=_BANDS),
    ),
    "SLA304": Explanation(
        "Words like asap, best effort, reasonable or promptly promise nothing measurable and are where "
        "disputes start. Write a time, a number or a condition.",
        Fix(
            bad="    - {service_level: desk-satisfaction, condition: Target met for a quarter,\n"
            "       reward: Recognition as soon as possible}\n",
            good="    - {service_level: desk-satisfaction, condition: Target met for a quarter, reward: Recognition}\n",
        ),
    ),
    "SLA305": Explanation(
        "A reviewer expects certain sections in each type of agreement (escalation, reporting, approvals, "
        "pricing...; set per type in slactl.yaml `required_sections`). Add the section, or accept the "
        "finding with a reason in `ignore`.",
        Fix(bad="", good=_LEVELS, note="The broken file has no `escalation` section."),
    ),
    "SLA306": Explanation(
        "A service with no service level promises nothing measurable about it; add one, or say why in `ignore`.",
        Fix(
            bad="    support_hours: always\n  - {id: training, name: Training, support_hours: business}\ncalendars:\n",
            good="    support_hours: always\ncalendars:\n",
        ),
    ),
    "SLA343": Explanation(
        "Credit bands of one schedule should meet: a measured value in a gap between two bands earns no "
        "credit, although it is below the target.",
        Fix(bad=_BANDS.replace("to: 99.5%, credit: 25%", "to: 99%, credit: 25%"), good=_BANDS),
    ),
    "SLA370": Explanation(
        "An `ignore` entry for a finding the file no longer has is stale: it would silently accept the "
        "finding if it came back. Remove it.",
        Fix(
            bad=_END + _ignore("SLA305"),
            good=_END,
        ),
    ),
    "SLA390": Explanation(
        "A placeholder (`TODO`) left by `slactl new` or a template is text nobody has written yet; it "
        "must not reach a signed document.",
        Fix(bad="  title: TODO\n", good="  title: Corpus agreement\n"),
    ),
}

# The chain rules' examples need other agreements to rest on: their own module (one role each).
from slactl.rules.explain_chains import CHAINS  # noqa: E402

EXPLANATIONS.update(CHAINS)


def explanation(code: str) -> Explanation | None:
    """The explanation of ``code`` (upper case), or None for a code without one."""
    return EXPLANATIONS.get(code)


@dataclass(frozen=True)
class RuleDoc:
    """Everything `slactl explain-rule` shows about one rule."""

    code: str
    severity: str
    summary: str
    explanation: Explanation


def describe(code: str) -> RuleDoc:
    """The documentation of rule ``code`` (any case); a usage error with a did-you-mean for an unknown one."""
    import difflib

    from slactl.errors import UsageError
    from slactl.rules import RULES, iter_rules

    wanted = code.strip().upper()
    known = [r.code for r in iter_rules()]
    if wanted not in RULES:
        digits = wanted.removeprefix("SLA")
        padded = f"SLA{digits.zfill(3)}" if digits.isdigit() and len(digits) <= 3 else ""
        guess = [padded] if padded in RULES else difflib.get_close_matches(wanted, known, n=3, cutoff=0.5)
        listed = " or ".join(f"`{g}`" for g in guess)
        hint = f"did you mean {listed}?" if guess else "the codes are listed in docs/rules.md"
        raise UsageError(f"unknown rule code `{code}` (codes run {known[0]} to {known[-1]})", hint=hint)
    info = RULES[wanted]
    return RuleDoc(info.code, info.severity.value, info.summary, EXPLANATIONS[wanted])
