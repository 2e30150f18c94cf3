"""Examples of the chain rules (`depends_on`, docs/chains.md) for `slactl explain-rule`.

Each rests a level of the corpus agreement on a level of an OLA given as another file of the
run (``Fix.files``); ``slactl.rules.explain`` adds them to its table.
"""

from __future__ import annotations

from slactl.rules.explain import Explanation, Fix


def _ola(ident: str, *edits: tuple[str, str]) -> str:
    """An OLA the corpus agreement's levels can rest on (`depends_on`), with ``edits`` made to it."""
    text = _OLA.replace("id: corpus-ola\n", f"id: {ident}\n")
    for old, new in edits:
        text = text.replace(old, new)
    return text


_OLA = """\
apiVersion: slactl/v1
kind: Agreement
metadata:
  id: corpus-ola
  title: Corpus OLA
  type: internal
  structure: service-based
  underpins: [corpus-complete]
parties:
  provider:
    name: Ops
    organization: Infrastructure Operations
    contacts:
      - {name: Ola Berg, role: Operations Manager}
  customer:
    name: ITS
    organization: Information Technology Services
    contacts:
      - {name: Ada Park, role: Service Line Manager}
term:
  start: 2026-10-01
  end: 2027-09-30
services:
  - {id: platform, name: Platform, support_hours: always}
  - {id: office, name: Office systems, support_hours: business}
calendars:
  always: {timezone: America/New_York, hours: 24x7}
  business: {timezone: America/New_York, hours: {mon-fri: "08:00-17:00"}}
service_levels:
  - {id: platform-availability, service: platform, metric: availability, target: 99.95%, window: calendar_month}
  - {id: platform-quarterly, service: platform, metric: availability, target: 99.95%, window: calendar_quarter}
  - {id: platform-no-credit, service: platform, metric: availability, target: 99.95%, window: calendar_month}
  - {id: office-availability, service: office, metric: availability, target: 99.95%, window: calendar_month}
  - {id: platform-p1-response, service: platform, metric: response_time, scope: {priority: P1}, target: 30 minutes}
  - id: platform-p1-resolution
    service: platform
    metric: resolution_time
    scope: {priority: P1}
    target: 2h
    attainment: 95%
  - {id: office-p1-response, service: office, metric: response_time, scope: {priority: P1}, target: 30 minutes}
  - {id: office-p1-resolution, service: office, metric: resolution_time, scope: {priority: P1}, target: 5h}
credits:
  schedules:
    - {service_level: platform-availability, bands: [{from: 0%, to: 99.95%, credit: 25%}]}
    - {service_level: platform-quarterly, bands: [{from: 0%, to: 99.95%, credit: 25%}]}
    - {service_level: office-availability, bands: [{from: 0%, to: 99.95%, credit: 25%}]}
    - {service_level: platform-p1-resolution, bands: [{from: 0%, to: 95%, credit: 5%}]}
termination:
  notice: 30 days
"""
_HOSTING = (
    "  - {id: hosting-availability, service: hosting, metric: availability, target: 99.9%, window: calendar_month}\n"
)
_DESK_P1 = (
    "  - {id: desk-p1-resolution, service: desk, metric: resolution_time, scope: {priority: P1}, target: 4h, "
    "attainment: 95%, window: calendar_month}\n"
)


def _rests(line: str, level: str, agreement: str = "corpus-ola") -> str:
    """A service-level line of the corpus agreement with a `depends_on` link added."""
    return line.replace("}\n", f", depends_on: [{{agreement: {agreement}, level: {level}}}]}}\n")


_WITH_OLA = (("ola.yaml", _ola("corpus-ola")),)
_HOSTING_OK = _rests(_HOSTING, "platform-availability")
_HOSTING_P1 = (
    "  - {id: hosting-p1-response, service: hosting, metric: response_time, scope: {priority: P1}, target: 1h, "
    "window: calendar_month}\n"
)


CHAINS: dict[str, Explanation] = {
    "SLA157": Explanation(
        "When the customer ends an agreement on its notice, the provider wants to end what it rests on "
        "as soon: a supplier that takes longer notice leaves the provider paying for it with no customer.",
        Fix(
            bad="termination:\n  notice: 20 days\n",
            good="termination:\n  notice: 60 days\n",
            setup=((_HOSTING, _HOSTING_OK),),
            files=_WITH_OLA,
            note="The OLA (corpus-ola) takes 30 days' notice.",
        ),
    ),
    "SLA160": Explanation(
        "A `depends_on` link names an agreement by its `metadata.id` and a service level by its `id`; one "
        "that names nothing checks nothing. The agreements a level rests on are read from the files validated "
        "and, when they are not among them, from the files beside the ones given (docs/chains.md).",
        Fix(bad=_rests(_HOSTING, "platform-availabilty"), good=_HOSTING_OK, anchor=_HOSTING, files=_WITH_OLA),
    ),
    "SLA161": Explanation(
        "A customer SLA rests on OLAs (`type: internal`) and underpinning contracts (`type: vendor`), never on "
        "another customer's agreement or on itself: a promise cannot underpin itself.",
        Fix(
            bad=_rests(_HOSTING, "desk-p1-response", "corpus-complete"),
            good=_HOSTING_OK,
            anchor=_HOSTING,
            files=_WITH_OLA,
        ),
    ),
    "SLA162": Explanation(
        "A level rests on another agreement for its whole term: when that one starts later or ends sooner, "
        "the promise stands on nothing for the days between.",
        Fix(
            bad=_rests(_HOSTING, "platform-availability", "corpus-ola-h1"),
            good=_HOSTING_OK,
            anchor=_HOSTING,
            files=(*_WITH_OLA, ("ola-h1.yaml", _ola("corpus-ola-h1", ("end: 2027-09-30", "end: 2027-03-31")))),
        ),
    ),
    "SLA163": Explanation(
        "A link is declared by both sides: the level that rests (`depends_on`) and the agreement it rests on "
        "(`metadata.underpins`), so that whoever changes the underpinning agreement sees what rests on it.",
        Fix(
            bad=_rests(_HOSTING, "platform-availability", "corpus-ola-other"),
            good=_HOSTING_OK,
            anchor=_HOSTING,
            files=(
                *_WITH_OLA,
                ("ola-other.yaml", _ola("corpus-ola-other", ("underpins: [corpus-complete]", "underpins: []"))),
            ),
        ),
    ),
    "SLA164": Explanation(
        "Dependencies that must all hold (serial) compose to the product of their availabilities; redundant "
        "ones (`any_of`) to 1 - the product of their unavailabilities. A promise above that cannot be kept "
        "(OpenSLO issue 14: 99% on 99% is at most 98.01%).",
        Fix(
            bad=_rests(_HOSTING.replace("99.9%", "99.99%"), "platform-availability"),
            good=_HOSTING_OK,
            anchor=_HOSTING,
            files=_WITH_OLA,
        ),
    ),
    "SLA165": Explanation(
        "A resolution that waits on a supplier cannot be faster than the supplier's own target: the "
        "dependency's response or resolution target must fit within the promise's.",
        Fix(
            bad=_rests(_DESK_P1, "office-p1-resolution"),
            good=_rests(_DESK_P1, "platform-p1-resolution"),
            anchor=_DESK_P1,
            files=_WITH_OLA,
        ),
    ),
    "SLA166": Explanation(
        "A target on a 24x7 clock counts nights and weekends; one on business hours does not. Four business "
        "hours can be three days of wall time, so the two cannot be compared, and the promise is at risk "
        "every night.",
        Fix(
            bad=_HOSTING_OK + _rests(_HOSTING_P1, "office-p1-response"),
            good=_HOSTING_OK + _rests(_HOSTING_P1, "platform-p1-response"),
            anchor=_HOSTING,
            files=_WITH_OLA,
        ),
    ),
    "SLA167": Explanation(
        "A dependency measured over a quarter can miss a whole month and still pass: the monthly promise "
        "resting on it has no monthly commitment under it.",
        Fix(bad=_rests(_HOSTING, "platform-quarterly"), good=_HOSTING_OK, anchor=_HOSTING, files=_WITH_OLA),
    ),
    "SLA168": Explanation(
        "Support promised around the clock needs support around the clock beneath it: the hours of the "
        "dependency's support calendar must cover the dependent's (compared in UTC at the term's start).",
        Fix(bad=_rests(_HOSTING, "office-availability"), good=_HOSTING_OK, anchor=_HOSTING, files=_WITH_OLA),
    ),
    "SLA169": Explanation(
        "When an outage below costs the provider credits, the agreement below should pay credits to the "
        "provider for the same outage; otherwise the provider carries the whole cost of its supplier's miss.",
        Fix(bad=_rests(_HOSTING, "platform-no-credit"), good=_HOSTING_OK, anchor=_HOSTING, files=_WITH_OLA),
    ),
}
