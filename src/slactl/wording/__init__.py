"""Human wording of the values of an agreement: what a person would say, computed in Python.

Templates only place these strings; every number, unit and plural is decided here so that the
rendered agreement, ``slactl diff`` and ``slactl report`` all say a value the same way.

Stable API (pure functions, no I/O, no jinja2):

* :func:`say_value` -- any typed value of the model (Duration, Percent, Score, Count, date,
  Calendar, money with ``currency=``, numbers, booleans, lists).
* Specific helpers: :func:`say_money`, :func:`say_number`, :func:`say_date`, :func:`say_date_range`,
  :func:`say_duration`, :func:`say_percent`, :func:`say_score`, :func:`say_calendar`,
  :func:`say_window`, :func:`say_cadence`, :func:`say_metric`, :func:`say_target`,
  :func:`say_availability`, :func:`allowed_downtime`, :func:`say_elapsed`, :func:`say_scope`,
  :func:`say_service_level`, :func:`say_credit_band`, :func:`credit_example`,
  :func:`say_escalation_step`, :func:`say_renewal`, :func:`say_funding_method`,
  :func:`say_delivery`, :func:`say_list`, :func:`monthly_fees`.

Duration semantics (as in the format): ``minutes``/``hours`` are time on the service level's
calendar (business time on a business-hours calendar, so "1 business hour"; wall time on a
24x7 one); ``business_days`` are business days of that calendar (``slactl.clock.business_day``:
its open hours of a week over its open days); ``days``/``weeks`` are
calendar (wall-clock) days, so on a business-hours calendar they are said as "calendar days".

The package by role: ``values`` (single values, calendars, windows, labels; the others build on
it), ``levels`` (availability and service levels), ``terms`` (renewal, termination,
escalation) and ``credits``. Every public name is importable from ``slactl.wording``.
"""

from slactl.wording.credits import (
    CreditBasis,
    CreditExample,
    credit_basis,
    credit_currency,
    credit_example,
    credit_terms,
    monthly_fees,
    say_band_credit,
    say_band_range,
    say_credit_band,
    say_credit_share,
    say_monthly_cap,
    say_per_event,
)
from slactl.wording.levels import (
    allowed_downtime,
    say_availability,
    say_level_window,
    say_scope,
    say_service_level,
    say_target,
    say_window_shape,
    window_noun,
)
from slactl.wording.terms import say_escalation_step, say_renewal, say_termination_right
from slactl.wording.values import (
    say_cadence,
    say_calendar,
    say_date,
    say_date_range,
    say_delivery,
    say_duration,
    say_elapsed,
    say_funding_method,
    say_list,
    say_metric,
    say_money,
    say_number,
    say_percent,
    say_score,
    say_timezone,
    say_value,
    say_window,
)

__all__ = [
    "CreditBasis",
    "CreditExample",
    "allowed_downtime",
    "credit_basis",
    "credit_currency",
    "credit_example",
    "credit_terms",
    "monthly_fees",
    "say_availability",
    "say_band_credit",
    "say_band_range",
    "say_cadence",
    "say_calendar",
    "say_credit_band",
    "say_credit_share",
    "say_date",
    "say_date_range",
    "say_delivery",
    "say_duration",
    "say_elapsed",
    "say_escalation_step",
    "say_funding_method",
    "say_level_window",
    "say_list",
    "say_metric",
    "say_money",
    "say_monthly_cap",
    "say_number",
    "say_per_event",
    "say_percent",
    "say_renewal",
    "say_scope",
    "say_score",
    "say_service_level",
    "say_target",
    "say_termination_right",
    "say_timezone",
    "say_value",
    "say_window",
    "say_window_shape",
    "window_noun",
]
