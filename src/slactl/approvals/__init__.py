"""Approvals: the roster, recording approvals as commits, and judging them.

The package, by role:

* ``trailers``: the trailer names, reading them from a commit, writing the message;
* ``roster``: who may approve (``slactl.yaml``), and who a signature proves;
* ``judge``: ``judge``, the one function that judges an approval (``status``, ``history``
  and ``render`` all end there), and a stage's decisive approval;
* ``term``: where today falls in the term;
* ``status``: the status of agreements and the gate (``status_paths``), the render adapter
  (``approval_table``);
* ``record``: ``slactl approve``, writing the approval commit.

An approval is a commit of its own (no file changes) whose final trailer block reads::

    Slactl-Agreement: <metadata.id>
    Slactl-Approval: <stage id from approvals.stages>
    Slactl-Digest: sha256:<hex>            (slactl.digest.content_digest of the committed file)

Trust rules (docs/approvals.md explains them; tests/approvals/test_trust.py attacks each one):

* the approver is who the *verified signature* says (SSH: the allowed-signers principal,
  which slactl writes from the roster, cross-checked against the key fingerprint; GPG: the
  key fingerprint), never the author, committer or any message text;
* the roster is read from ``--base`` when given, so a change cannot vouch for itself;
* an approval counts only in the ancestry of HEAD, only for its agreement id, only for the
  digest it names (another digest makes it *stale*), only from a person holding one of the
  stage's roles; an unsigned approval counts as *unverified*, and not at all with
  ``require_signed``; a signature that does not check out is *rejected* with the reason;
* stage order: stages are judged independently (commit dates can be set by anyone, so the
  order approvals were made in proves nothing); the *furthest stage reached* is the last
  stage of the unbroken run of held stages from the first;
* a stage's decisive approval is its latest counting one in ancestry order (``rev-list
  --topo-order``): a later approval of other content supersedes it; one that would not
  count supersedes nothing;
* an approval counts only as ``slactl approve`` makes it: empty, author == committer (name,
  e-mail, date), authored by the person whose key signed it (a rebase re-signs, it does not
  approve);
* the gate (``--base``, tests/approvals/test_gate_attacks.py): content from HEAD's objects; the bar
  from the base counterpart (path, rename, id) or, for a new agreement, the base policy
  and the stages of agreements the branch deletes; roster and policy of the nearest
  ``slactl.yaml`` in the base tree; every changed file that parses as an agreement.

Core package: never prints or exits; failures a user can fix are ``SlactlError``.
"""

from __future__ import annotations

# trailers first: the modules below import it from this package
from slactl.approvals import trailers
from slactl.approvals.judge import (
    ApprovalRecord,
    Judged,
    RequiredStage,
    StageState,
    StageStatus,
    describe_change,
    judge,
    judge_approval,
    not_as_approve_makes_it,
    required_stages,
    status_text,
)
from slactl.approvals.record import RecordedApproval, approval_message, record_approval
from slactl.approvals.roster import (
    CONFIG_NAME,
    Identity,
    Person,
    Roster,
    identify,
    load_roster,
    roster_for,
    roster_from_config,
    ssh_fingerprint,
    write_roster_signers,
)
from slactl.approvals.status import (
    AgreementStatus,
    ApprovalRow,
    Settings,
    StatusReport,
    agreement_files,
    approval_table,
    judge_stages,
    status_paths,
)
from slactl.approvals.term import EXPIRING_WITHIN, TermState, TermStatus, term_status

TRAILER_AGREEMENT = trailers.AGREEMENT
TRAILER_APPROVAL = trailers.APPROVAL
TRAILER_DIGEST = trailers.DIGEST
TRAILER_PREFIX = trailers.PREFIX

__all__ = [
    "CONFIG_NAME",
    "EXPIRING_WITHIN",
    "TRAILER_AGREEMENT",
    "TRAILER_APPROVAL",
    "TRAILER_DIGEST",
    "TRAILER_PREFIX",
    "AgreementStatus",
    "ApprovalRecord",
    "ApprovalRow",
    "Identity",
    "Judged",
    "Person",
    "RecordedApproval",
    "RequiredStage",
    "Roster",
    "Settings",
    "StageState",
    "StageStatus",
    "StatusReport",
    "TermState",
    "TermStatus",
    "agreement_files",
    "approval_message",
    "approval_table",
    "describe_change",
    "identify",
    "judge",
    "judge_approval",
    "judge_stages",
    "load_roster",
    "not_as_approve_makes_it",
    "record_approval",
    "required_stages",
    "roster_for",
    "roster_from_config",
    "ssh_fingerprint",
    "status_paths",
    "status_text",
    "term_status",
    "trailers",
    "write_roster_signers",
]
