"""The words for the agreement's terms: renewal, termination rights and escalation steps.

Part of ``slactl.wording`` (which re-exports every public name).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slactl.model.types import Duration
from slactl.wording.values import say_duration

if TYPE_CHECKING:
    from slactl.model.agreement import (
        Contact,
        EscalationLevel,
        Renewal,
    )

# --------------------------------------------------------------------------- renewal, termination


def say_renewal(renewal: Renewal | None) -> str | None:
    """What happens at the end of the term, in one sentence; None when the file does not say."""
    if renewal is None:
        return None
    if renewal.mode == "none":
        return "The agreement does not renew."
    notice = say_duration(renewal.notice) if renewal.notice is not None else None
    if renewal.mode == "auto":
        if notice is None:
            return "The agreement renews automatically for a further term at the end of each term."
        return (
            "The agreement renews automatically for a further term unless either party gives "
            f"notice at least {notice} before the end of the term."
        )
    if notice is None:
        return "The agreement is renegotiated for each term: a new agreement replaces it."
    return (
        f"The agreement is renegotiated for each term; negotiation starts at least {notice} before the end of the term."
    )


_HOLDERS = {"either": "Either party", "customer": "The customer", "provider": "The provider"}


def say_termination_right(by: str, notice: Duration | str | None, cure: Duration | None, *, conditions: bool) -> str:
    """Who may end the agreement early, with what notice and cure period: only what is stated.

    No notice stated says nothing about notice; ``immediate`` (or a zero duration) says
    "with immediate effect"; a cure period lets the other party put things right first.
    """
    from slactl.model.agreement import is_immediate

    text = f"{_HOLDERS[by]} may end this agreement early"
    if is_immediate(notice):
        text += " with immediate effect"
    elif isinstance(notice, Duration):
        text += f" by giving the other party notice at least {say_duration(notice)} in advance"
    if conditions:
        text += " when one of the following conditions is met"
    if cure is not None:
        text += f", unless the other party remedies the cause within {say_duration(cure)} of the notice"
    return text + (":" if conditions else ".")


# --------------------------------------------------------------------------- escalation


def say_escalation_step(step: EscalationLevel, contact: Contact | None = None) -> str:
    """'Level 2: after 1 business day, escalate to Jordan Okafor (Service Line Manager).'"""
    who = step.contact
    if contact is not None:
        who = f"{contact.name} ({contact.role})"
    text = f"Level {step.level}: after {say_duration(step.after)} unresolved, escalate to {who}."
    if step.description:
        text += f" {step.description.strip()}"
    return text
