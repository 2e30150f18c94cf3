"""Approvals: the roster, recording approvals as commits, and judging them.

An approval is a commit of its own (no file changes) whose final trailer block reads::

    Slactl-Agreement: <metadata.id>
    Slactl-Approval: <stage id from approvals.stages>
    Slactl-Digest: sha256:<hex>            (slactl.digest.content_digest of the committed file)

Trust rules (docs/approvals.md explains them; tests/test_trust.py attacks each one):

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
* the gate (``--base``, tests/test_gate_attacks.py): content from HEAD's objects; the bar
  from the base counterpart (path, rename, id) or, for a new agreement, the base policy
  and the stages of agreements the branch deletes; roster and policy of the nearest
  ``slactl.yaml`` in the base tree; every changed file that parses as an agreement.

Core module: never prints or exits; failures a user can fix are ``SlactlError``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from slactl import git as gitio
from slactl.errors import SlactlError

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement, ApprovalStage, Term
    from slactl.model.config import RepoConfig

__all__ = [
    "TRAILER_AGREEMENT",
    "TRAILER_APPROVAL",
    "TRAILER_DIGEST",
    "AgreementStatus",
    "ApprovalRecord",
    "ApprovalRow",
    "Identity",
    "Judged",
    "Person",
    "RecordedApproval",
    "RequiredStage",
    "Roster",
    "StageStatus",
    "StatusReport",
    "TermStatus",
    "approval_message",
    "approval_table",
    "describe_change",
    "identify",
    "judge_approval",
    "judge_stages",
    "load_roster",
    "not_as_approve_makes_it",
    "record_approval",
    "required_stages",
    "roster_from_config",
    "ssh_fingerprint",
    "status_paths",
    "term_status",
]

TRAILER_AGREEMENT = "Slactl-Agreement"
TRAILER_APPROVAL = "Slactl-Approval"
TRAILER_DIGEST = "Slactl-Digest"
TRAILER_PREFIX = "Slactl-"
CONFIG_NAME = "slactl.yaml"
EXPIRING_WITHIN = timedelta(days=90)

StageState = Literal["approved", "stale", "rejected", "missing"]
TermState = Literal["not-started", "active", "expiring", "expired"]

_DIGEST_RE = re.compile(r"sha256:[0-9a-f]{64}")
_GPG_FPR_RE = re.compile(r"[0-9A-F]{40}|[0-9A-F]{64}")
_SSH_STATUS_REASONS = {
    "B": "bad signature: the commit does not match its signature",
    "X": "the signature has expired",
    "Y": "the signature was made by an expired key",
    "R": "the signature was made by a revoked key",
    "E": "the signature cannot be checked (is the signer's public key in the keyring?)",
}


# --------------------------------------------------------------------------- roster


@dataclass(frozen=True, slots=True)
class Person:
    """One roster entry; ``ssh_fingerprints`` are ``SHA256:...`` of ``ssh_keys``, in order."""

    name: str
    email: str
    roles: tuple[str, ...]
    ssh_keys: tuple[str, ...]
    ssh_fingerprints: tuple[str, ...]
    gpg_fingerprints: tuple[str, ...]  # upper-case hex, no spaces

    @property
    def label(self) -> str:
        return f"{self.name} <{self.email}>"


@dataclass(frozen=True)
class Roster:
    """Who may approve, and where the list was read from (``slactl.yaml at origin/main``)."""

    people: tuple[Person, ...]
    source: str

    def by_email(self, email: str) -> Person | None:
        wanted = email.lower()
        return next((p for p in self.people if p.email.lower() == wanted), None)

    def by_ssh_fingerprint(self, fingerprint: str) -> Person | None:
        return next((p for p in self.people if fingerprint in p.ssh_fingerprints), None)

    def by_gpg_fingerprint(self, fingerprint: str) -> Person | None:
        wanted = _norm_gpg(fingerprint)
        if not wanted:
            return None
        return next((p for p in self.people if wanted in p.gpg_fingerprints), None)

    def allowed_signers(self) -> list[tuple[str, str]]:
        """``(principal, key line)`` for git's allowed-signers file; the principal is the e-mail."""
        return [(p.email, key) for p in self.people for key in p.ssh_keys]


def _norm_gpg(fingerprint: str) -> str:
    return re.sub(r"\s+", "", fingerprint).upper()


def ssh_fingerprint(key_line: str) -> str:
    """``SHA256:<base64>`` of an SSH public key line, as ``ssh-keygen -l`` and git's ``%GF`` show it."""
    parts = key_line.split()
    if len(parts) < 2:
        raise ValueError(f"not an SSH public key line: {key_line[:60]!r}")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except binascii.Error:
        raise ValueError(f"bad base64 in SSH public key: {key_line[:60]!r}") from None
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")
    return f"SHA256:{digest}"


def roster_from_config(people: Iterable[Any], source: str) -> Roster:
    """A checked roster from ``Person`` models: duplicate e-mails or keys are refused (ambiguous identity)."""
    out: list[Person] = []
    emails: dict[str, str] = {}
    keys: dict[str, str] = {}
    for model in people:
        email = model.email.lower()
        if email in emails:
            raise SlactlError(
                f"the roster lists {model.email} twice ({emails[email]} and {model.name})",
                path=source,
                hint="one roster entry per person: the e-mail is the identity a signature maps to",
            )
        emails[email] = model.name
        fingerprints = []
        for key in model.ssh_keys:
            # gitio.write_allowed_signers checks principal and key strictly later; this names the person
            try:
                fingerprints.append(ssh_fingerprint(key))
            except ValueError as exc:
                raise SlactlError(f"roster entry {model.name}: {exc}", path=source) from None
        gpg = []
        for fpr in model.gpg_fingerprints:
            norm = _norm_gpg(fpr)
            if not _GPG_FPR_RE.fullmatch(norm):
                raise SlactlError(
                    f"roster entry {model.name}: {fpr!r} is not a full GPG fingerprint (40 hex digits)",
                    path=source,
                    hint="`gpg --fingerprint <email>` shows it; short key ids can collide",
                )
            gpg.append(norm)
        for fpr in (*fingerprints, *gpg):
            if fpr in keys and keys[fpr] != model.name:
                raise SlactlError(
                    f"the roster gives the same key {fpr} to {keys[fpr]} and {model.name}",
                    path=source,
                    hint="a key proves one person's identity; give each person their own key",
                )
            keys[fpr] = model.name
        out.append(
            Person(
                name=model.name,
                email=model.email,
                roles=tuple(model.roles),
                ssh_keys=tuple(model.ssh_keys),
                ssh_fingerprints=tuple(fingerprints),
                gpg_fingerprints=tuple(gpg),
            )
        )
    return Roster(tuple(out), source)


def _parse_yaml_model(raw: bytes, where: str, model: type[Any]) -> Any:
    from pydantic import ValidationError

    from slactl.loading import LoadError, load_bytes
    from slactl.parse import schema_findings

    try:
        loaded = load_bytes(raw)
    except LoadError as exc:
        raise SlactlError(f"line {exc.line}, column {exc.column}: {exc.message}", path=where, hint=exc.hint) from None
    try:
        return model.model_validate(loaded.data if loaded.data is not None else {})
    except ValidationError as exc:
        first = schema_findings(exc, loaded, where, model)
        lines = "; ".join(f"line {f.line}: {f.path}: {f.message}" for f in first[:5])
        raise SlactlError(f"invalid {model.__name__}: {lines}", path=where) from None


def _inside(relpath: str) -> str | None:
    """A repository-relative posix path without ``..`` escapes, or None."""
    parts: list[str] = []
    for part in PurePosixPath(relpath).parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts) if parts else None


def load_roster(repo: Path, config_relpath: str, base: str | None = None) -> Roster:
    """The roster from ``slactl.yaml`` (its ``people``, or the file its ``roster:`` names).

    With ``base`` both files are read from that revision, not from the working tree: a
    change under review cannot add its own keys. A missing ``slactl.yaml`` gives an
    empty roster (nobody is trusted).
    """
    from slactl.model.config import RepoConfig, RosterFile

    def read(relpath: str) -> bytes | None:
        if base is not None:
            return gitio.read_file_at(repo, base, relpath)
        target = repo / relpath
        try:
            return target.read_bytes() if target.is_file() else None
        except OSError as exc:
            raise SlactlError(f"cannot read file: {exc.strerror}", path=str(target)) from None

    where = f"{config_relpath} at {base}" if base is not None else config_relpath
    raw = read(config_relpath)
    if raw is None:
        return Roster((), f"{where} (not found: nobody may approve)")
    config: RepoConfig = _parse_yaml_model(raw, where, RepoConfig)
    if config.roster is None:
        return roster_from_config(config.people, where)
    if config.people:
        raise SlactlError(
            "slactl.yaml gives both `people` and `roster`",
            path=where,
            hint="keep the people in one place: either list them under `people` or name a roster file",
        )
    folder = PurePosixPath(config_relpath).parent
    roster_rel = _inside(str(folder / config.roster))
    if roster_rel is None:
        raise SlactlError(f"the roster file {config.roster!r} is outside the repository", path=where)
    roster_where = f"{roster_rel} at {base}" if base is not None else roster_rel
    roster_raw = read(roster_rel)
    if roster_raw is None:
        raise SlactlError(f"the roster file {config.roster!r} named in slactl.yaml does not exist", path=roster_where)
    roster_file: RosterFile = _parse_yaml_model(roster_raw, roster_where, RosterFile)
    return roster_from_config(roster_file.people, roster_where)


# --------------------------------------------------------------------------- identity


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a signature proves, or why it proves nobody.

    ``verified`` with a ``person``: a good signature by a roster key. ``unsigned``: no
    signature at all (may count as unverified). Otherwise ``reason`` says what is wrong.
    """

    person: Person | None
    verified: bool
    unsigned: bool
    reason: str | None
    key: str  # the key fingerprint git reported, "" when none


def _is_ssh(fingerprint: str) -> bool:
    return fingerprint.startswith("SHA256:")


def identify(signature: gitio.Signature, roster: Roster) -> Identity:
    """Map git's signature check (``%G? %GS %GF %GP``) to a roster person. Pure."""
    status, fpr = signature.status, signature.fingerprint
    if status == "N":
        return Identity(None, False, True, "unsigned", "")
    if status in _SSH_STATUS_REASONS:
        return Identity(None, False, False, _SSH_STATUS_REASONS[status], fpr)
    if status not in ("G", "U"):
        return Identity(None, False, False, f"unknown signature status {status!r}", fpr)
    if _is_ssh(fpr):
        if status != "G":
            reason = f"signed with SSH key {fpr}, which is not in the roster ({roster.source})"
            return Identity(None, False, False, reason, fpr)
        person = roster.by_email(signature.signer)
        if person is None or fpr not in person.ssh_fingerprints:
            # Only possible if the allowed-signers file was not the roster's: never trust it.
            reason = f"signer {signature.signer!r} with key {fpr} does not match the roster"
            return Identity(None, False, False, reason, fpr)
        return Identity(person, True, False, None, fpr)
    # OpenPGP (or X.509): git's trust level comes from the local keyring; the roster decides
    # instead, so a good signature of unknown validity (U) counts when the key is listed.
    person = roster.by_gpg_fingerprint(fpr) or roster.by_gpg_fingerprint(signature.primary_fingerprint)
    if person is None:
        reason = f"signed with key {fpr or signature.key}, which is not in the roster ({roster.source})"
        return Identity(None, False, False, reason, fpr)
    return Identity(person, True, False, None, fpr)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class ApprovalRecord:
    """One approval commit as read from git (nothing judged yet)."""

    commit: str
    agreement_id: str
    stage: str
    digest: str
    when: datetime  # committer date (set by whoever committed: informative only)
    author: str  # "Name <email>": shown as a claim for unsigned approvals, never trusted
    signature: gitio.Signature
    problem: str | None = None  # malformed trailers
    committer: str = ""  # "Name <email>"
    author_email: str = ""
    author_date: datetime | None = None


def _records(commits: Sequence[gitio.CommitWithTrailers]) -> list[ApprovalRecord]:
    out: list[ApprovalRecord] = []
    for c in commits:
        ids, stages, digests = c.values(TRAILER_AGREEMENT), c.values(TRAILER_APPROVAL), c.values(TRAILER_DIGEST)
        if not ids:
            continue
        problem = None
        if len(ids) != 1 or len(stages) != 1 or len(digests) != 1:
            problem = (
                f"needs exactly one each of {TRAILER_AGREEMENT}, {TRAILER_APPROVAL} and {TRAILER_DIGEST} "
                f"(found {len(ids)}, {len(stages)}, {len(digests)})"
            )
        elif not _DIGEST_RE.fullmatch(digests[0]):
            problem = f"{TRAILER_DIGEST} is not sha256:<64 hex digits>"
        assert c.signature is not None  # read with verify=True
        # a malformed commit is listed (and rejected) under every agreement and stage it names
        out.extend(
            ApprovalRecord(
                commit=c.commit,
                agreement_id=agreement_id,
                stage=stage,
                digest=digests[0] if digests else "",
                when=c.committer_date,
                author=f"{c.author_name} <{c.author_email}>",
                signature=c.signature,
                problem=problem,
                committer=f"{c.committer_name} <{c.committer_email}>",
                author_email=c.author_email,
                author_date=c.author_date,
            )
            for agreement_id in sorted(set(ids))
            for stage in sorted(set(stages or [""]))
        )
    return out


@dataclass(frozen=True, slots=True)
class Judged:
    """One approval judged against the current content, roster and stage."""

    record: ApprovalRecord
    state: Literal["approved", "stale", "rejected", "superseded"]
    verified: bool
    person: Person | None
    reason: str | None  # why rejected / not counted
    changed: tuple[str, ...] = ()  # stale: what changed since the approved content

    @property
    def who(self) -> str:
        if self.person is not None:
            return self.person.label
        if self.identity_unsigned:
            return f"unverified (unsigned; commit author {self.record.author})"
        return "unknown"

    @property
    def identity_unsigned(self) -> bool:
        return self.record.signature.status == "N"


def not_as_approve_makes_it(record: ApprovalRecord, person: Person | None, empty: bool) -> str | None:
    """Why ``record`` is not an approval commit as ``slactl approve`` makes it (None when it is).

    ``approve`` makes an empty commit whose author and committer are one person with one
    date, the person whose key signs it. A rebase or cherry-pick re-creates the commit
    (new committer or date), re-signed by whoever ran it: the signer did not make that
    approval, so it does not count.
    """
    if record.committer != record.author:
        return f"rewritten approval: authored by {record.author} but committed by {record.committer} (rebased or cherry-picked)"  # noqa: E501
    if record.author_date is not None and (
        record.author_date != record.when or record.author_date.utcoffset() != record.when.utcoffset()
    ):
        return (
            f"rewritten approval: authored {record.author_date.isoformat()} but committed "
            f"{record.when.isoformat()} (dated differently: rebased, amended or cherry-picked)"
        )
    if not empty:
        return "not an approval as `slactl approve` makes it: the commit is not empty (it changes files)"
    if person is not None and record.author_email.lower() != person.email.lower():
        return (
            f"signed with {person.name}'s key but authored as {record.author}: "
            "an approval is authored by the person whose key signs it"
        )
    return None


def _judge(
    record: ApprovalRecord,
    stage: RequiredStage | ApprovalStage,
    digest: str,
    roster: Roster,
    require_signed: bool,
    history: _History | _NoHistory,
    empty: bool = True,
) -> Judged:
    if record.problem:
        return Judged(record, "rejected", False, None, f"malformed approval: {record.problem}")
    ident = identify(record.signature, roster)
    if ident.unsigned:
        if require_signed:
            return Judged(record, "rejected", False, None, "unsigned: --require-signed counts only verified approvals")
    elif ident.person is None:
        return Judged(record, "rejected", False, None, ident.reason)
    made = not_as_approve_makes_it(record, ident.person, empty)
    if made is not None:
        return Judged(record, "rejected", False, ident.person, made)
    if ident.person is not None and not set(ident.person.roles) & set(stage.roles):
        held = ", ".join(ident.person.roles) or "none"
        need = ", ".join(stage.roles)
        return Judged(
            record, "rejected", True, ident.person,
            f"{ident.person.name} holds role(s) {held}; stage {stage.stage} needs {need}",
        )  # fmt: skip
    if record.digest != digest:
        return Judged(record, "stale", ident.verified, ident.person, None, history.changed_since(record.digest))
    return Judged(record, "approved", ident.verified, ident.person, None)


def judge_approval(
    commit: gitio.CommitWithTrailers,
    stage: RequiredStage | ApprovalStage,
    digest: str,
    roster: Roster,
    *,
    empty: bool,
    require_signed: bool = False,
) -> Judged:
    """One approval commit judged by the rules of ``status`` against the content ``digest``.

    For displays that name one revision (``history``): the same identity, role and
    as-approve-makes-it checks as the gate; a digest other than ``digest`` is ``stale``
    with no description of what changed.
    """
    records = _records([commit])
    record = next((r for r in records if r.stage == stage.stage), None) or records[0]
    return _judge(record, stage, digest, roster, require_signed, _NoHistory(), empty)


class _NoHistory:
    def changed_since(self, digest: str) -> tuple[str, ...]:  # noqa: ARG002 - the _History interface
        return ()


# --------------------------------------------------------------------------- what changed


def describe_change(old: Any, new: Any, limit: int = 8) -> tuple[str, ...]:
    """What changed from ``old`` to ``new`` (validated documents), in the semantic diff's words."""
    from slactl.semdiff import diff_documents

    lines = [change.sentence() for change in diff_documents(old, new)]
    if len(lines) > limit:
        lines = [*lines[:limit], f"... and {len(lines) - limit} more changes"]
    return tuple(lines)


class _History:
    """Digests of every committed version of one file (lazily read), for 'what changed since'."""

    def __init__(self, repo: Path, relpath: str, path: Path, current: Any) -> None:
        self.repo, self.relpath, self.path, self.current = repo, relpath, path, current
        self._by_digest: dict[str, Any] | None = None

    def _load(self) -> dict[str, Any]:
        from slactl.digest import content_digest
        from slactl.documents import load_valid

        found: dict[str, Any] = {}
        revisions = gitio.file_revisions(self.repo, self.relpath)
        blobs = list(dict.fromkeys(r.blob_id for r in revisions if r.blob_id))
        for _oid, raw in gitio.read_blobs(self.repo, blobs):
            try:
                doc = load_valid(self.path, kind="Agreement", raw=raw).document
            except SlactlError:
                continue  # an invalid version was never approvable
            found.setdefault(content_digest(doc), doc)
        return found

    def changed_since(self, digest: str) -> tuple[str, ...]:
        if self._by_digest is None:
            self._by_digest = self._load()
        old = self._by_digest.get(digest)
        if old is None:
            return (f"the approved digest matches no committed version of {self.relpath}",)
        return describe_change(old, self.current) or ("(no field differs)",)


# --------------------------------------------------------------------------- term


@dataclass(frozen=True, slots=True)
class TermStatus:
    """Where today falls in the term, and when renewal notice is due."""

    state: TermState
    start: date
    end: date | None  # None: an open-ended term
    fiscal_year: str | None
    renewal_notice_date: date | None  # term end minus the renewal notice
    days_left: int | None  # days from today to the end (negative when expired); None: open-ended


def _minus_business_days(day: date, count: int) -> date:
    while count > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def term_status(term: Term, today: date) -> TermStatus:
    """not-started / active / expiring (ends within 90 days) / expired, judged on ``today``.

    The renewal notice date is the term end minus ``renewal.notice``: days and weeks are
    calendar days; business days are Monday-Friday (a term has no calendar of its own);
    hours and minutes are wall time, rounded down to the day.
    """
    notice_date = None
    if term.end is None:
        # Open-ended (evergreen): it neither expires nor has a renewal notice date.
        return TermStatus("not-started" if today < term.start else "active", term.start, None,
                          term.fiscal_year, None, None)  # fmt: skip
    notice = term.renewal.notice if term.renewal is not None and term.renewal.mode != "none" else None
    if notice is not None:
        if notice.unit == "business_days":
            notice_date = _minus_business_days(term.end, int(notice.value))
        else:
            notice_date = term.end - timedelta(days=notice.to_timedelta() // timedelta(days=1))
    state: TermState
    if today < term.start:
        state = "not-started"
    elif today > term.end:
        state = "expired"
    elif term.end - today <= EXPIRING_WITHIN:
        state = "expiring"
    else:
        state = "active"
    return TermStatus(state, term.start, term.end, term.fiscal_year, notice_date, (term.end - today).days)


# --------------------------------------------------------------------------- status


@dataclass(frozen=True, slots=True)
class RequiredStage:
    """A stage that must hold, the roles that may approve it, and what requires it."""

    stage: str
    roles: tuple[str, ...]
    required_by: str  # e.g. "agreements/a.yaml at main", "policy (slactl.yaml at main)", "this file"


@dataclass(frozen=True, slots=True)
class StageStatus:
    """One required stage: its state, the approval that decides it, and the others seen."""

    stage: str
    roles: tuple[str, ...]
    state: StageState
    decisive: Judged | None
    others: tuple[Judged, ...] = ()
    required_by: str = ""

    @property
    def holds(self) -> bool:
        return self.state == "approved"


@dataclass(frozen=True)
class AgreementStatus:
    """The approval status of one agreement file."""

    path: Path
    relpath: str
    agreement_id: str
    digest: str
    uncommitted: bool  # the working-tree file differs from HEAD
    stages: tuple[StageStatus, ...]
    term: TermStatus
    roster_source: str
    require_signed: bool
    base: str | None = None
    # with a base: "<path> at <base> (same path|renamed|same id[, id X])", primary first; () when new
    counterparts: tuple[str, ...] = ()
    policy_source: str | None = None  # where the new-agreement policy applied was read, if one was
    new_in_branch: bool = False  # with a base: no counterpart there by path, rename or id
    settings_source: str = ""  # the slactl.yaml that governs it, e.g. "team-a/slactl.yaml at main"
    problems: tuple[str, ...] = ()  # why it fails the gate besides its stages

    @property
    def furthest(self) -> str | None:
        """Last stage of the unbroken run of held stages from the first (None if the first is open)."""
        reached = None
        for stage in self.stages:
            if not stage.holds:
                break
            reached = stage.stage
        return reached

    @property
    def complete(self) -> bool:
        # An agreement with no stages has nothing that shows it was accepted: not complete.
        return bool(self.stages) and all(s.holds for s in self.stages) and not self.problems


@dataclass(frozen=True)
class StatusReport:
    """Status of every agreement asked about (and, with a base, every one the branch changed)."""

    agreements: tuple[AgreementStatus, ...]
    today: date
    base: str | None
    require_signed: bool
    deleted: tuple[tuple[str, str], ...] = ()  # (path, id) of agreements the branch deletes (not gated)
    problems: tuple[str, ...] = ()  # changed files that fail the gate without being judged

    @property
    def ok(self) -> bool:
        if self.problems:
            return False
        return bool(self.agreements or self.deleted) and all(a.complete for a in self.agreements)


@dataclass(frozen=True)
class Settings:
    """The ``slactl.yaml`` that governs an agreement: its roster and its policy."""

    relpath: str  # repository path of the settings file (it may not exist)
    source: str  # where it was read, e.g. "team-a/slactl.yaml at main"
    roster: Roster
    new_agreement_stages: tuple[RequiredStage, ...] | None  # None: no policy for new agreements


def _load_settings(repo: Path, config_relpath: str, base: str | None) -> Settings:
    from slactl.model.config import RepoConfig

    where = f"{config_relpath} at {base}" if base is not None else config_relpath
    raw = gitio.read_file_at(repo, base, config_relpath) if base is not None else _read_worktree(repo, config_relpath)
    if raw is None:
        return Settings(config_relpath, where, Roster((), f"{where} (not found: nobody may approve)"), None)
    config: RepoConfig = _parse_yaml_model(raw, where, RepoConfig)
    policy = None
    if config.policy is not None and config.policy.new_agreements is not None:
        by = f"policy ({where})"
        policy = tuple(RequiredStage(s.stage, tuple(s.roles), by) for s in config.policy.new_agreements.stages)
    return Settings(config_relpath, where, load_roster(repo, config_relpath, base), policy)


def _read_worktree(repo: Path, relpath: str) -> bytes | None:
    target = repo / relpath
    try:
        return target.read_bytes() if target.is_file() else None
    except OSError as exc:
        raise SlactlError(f"cannot read file: {exc.strerror}", path=str(target)) from None


def _kind_of(raw: bytes) -> str | None:
    """What ``raw`` is or is meant to be (discovery's one answer: parsed, never matched)."""
    from slactl.discovery import kind_of

    return kind_of(raw)


def _load_agreement(path: Path, raw: bytes | None) -> Agreement:
    from slactl.documents import load_valid

    doc: Agreement = load_valid(path, kind="Agreement", raw=raw).document  # type: ignore[assignment]
    return doc


def _try_agreement(path: Path, raw: bytes | None) -> Agreement | None:
    if raw is None or _kind_of(raw) != "Agreement":
        return None
    try:
        return _load_agreement(path, raw)
    except SlactlError:
        return None  # invalid in the base: nothing there was approvable


def required_stages(
    current: Agreement,
    bases: Sequence[tuple[str, Agreement]] = (),
    policy: Sequence[RequiredStage] | None = None,
    deleted: Sequence[tuple[str, Agreement]] = (),
) -> list[RequiredStage]:
    """The stages that must hold, who may approve each, and what requires it.

    ``bases`` are the agreement's counterparts in the base (label, document). A change
    cannot lower its own bar: every stage a counterpart requires stays required with the
    counterpart's roles (a stage two counterparts name needs a role both allow). With no
    counterpart the agreement is new: the ``policy`` (the base's, for new agreements)
    requires its stages, and so does every agreement the same branch ``deleted`` (a file
    rewritten beyond git's rename detection, under a new id, looks exactly like that). The
    file's own stages that none of those name are required too, with the roles it gives.
    """
    out: dict[str, RequiredStage] = {}

    def add(stage: str, roles: Sequence[str], by: str) -> None:
        have = out.get(stage)
        if have is None:
            out[stage] = RequiredStage(stage, tuple(roles), by)
        else:
            both = tuple(r for r in have.roles if r in roles)
            out[stage] = RequiredStage(stage, both, f"{have.required_by}; {by}")

    for label, doc in bases:
        for s in doc.approvals.stages if doc.approvals else ():
            add(s.stage, s.roles, label)
    if not bases:
        for req in policy or ():
            add(req.stage, req.roles, req.required_by)
        for label, doc in deleted:
            for s in doc.approvals.stages if doc.approvals else ():
                add(s.stage, s.roles, label)
    for s in current.approvals.stages if current.approvals else ():
        if s.stage not in out:
            out[s.stage] = RequiredStage(s.stage, tuple(s.roles), "this file")
    return list(out.values())


class _Ancestry:
    """Topological order of HEAD's ancestry, and which commits are ancestors of which."""

    def __init__(self, repo: Path) -> None:
        listed = gitio.ancestry(repo, "HEAD")
        self.index = {sha: i for i, (sha, _) in enumerate(listed)}
        self.parents = dict(listed)
        self._below: dict[str, set[str]] = {}

    def ancestors(self, commit: str) -> set[str]:
        found = self._below.get(commit)
        if found is None:
            found, todo = set(), list(self.parents.get(commit, ()))
            while todo:
                sha = todo.pop()
                if sha not in found:
                    found.add(sha)
                    todo.extend(self.parents.get(sha, ()))
            self._below[commit] = found
        return found


def _stage_status(stage: RequiredStage, judged: list[Judged], ancestry: _Ancestry) -> StageStatus:
    """The decisive approval of one stage: its latest approval that would count.

    Latest by ancestry (``git rev-list --topo-order``), never by commit date. Only approvals
    that would count (signed where required, by an entitled person, made as ``approve``
    makes them) supersede: one that would not cannot cancel a valid one. An approval of
    the current content counts only if every counting approval of other content is older
    in the ancestry; one beside it on a parallel branch makes the order unknown.
    """
    roles, by = stage.roles, stage.required_by
    if not judged:
        return StageStatus(stage.stage, roles, "missing", None, (), by)
    ordered = sorted(judged, key=lambda j: ancestry.index.get(j.record.commit, len(ancestry.index)))
    counting = [j for j in ordered if j.state in ("approved", "stale")]
    if not counting:
        return StageStatus(stage.stage, roles, "rejected", ordered[0], tuple(ordered[1:]), by)
    decisive = counting[0]
    if decisive.state == "approved":
        older = ancestry.ancestors(decisive.record.commit)
        unclear = [
            j for j in counting[1:] if j.record.digest != decisive.record.digest and j.record.commit not in older
        ]
        if unclear:
            decisive = unclear[0]
    others = []
    for j in ordered:
        if j is decisive:
            continue
        if j.state == "approved" and decisive.state != "approved":
            j = replace(
                j,
                state="superseded",
                reason=f"superseded by {decisive.record.commit[:12]}, a later (or parallel) approval of this stage "
                "for other content",
            )
        others.append(j)
    state: StageState = "approved" if decisive.state == "approved" else "stale"
    return StageStatus(stage.stage, roles, state, decisive, tuple(others), by)


def _config_relpath(repo: Path, start: Path) -> str:
    """The repository path of the slactl.yaml that governs ``start`` (root's when there is none yet)."""
    from slactl.config import find_config

    found = find_config(start)
    if found is None:
        return CONFIG_NAME
    return gitio.rel_path(repo, found)


def _nearest_config(relpath: str, configs: set[str]) -> str:
    """The nearest ``slactl.yaml`` above ``relpath`` among ``configs`` (root's when none)."""
    for folder in PurePosixPath(relpath).parents:
        candidate = CONFIG_NAME if str(folder) == "." else f"{folder}/{CONFIG_NAME}"
        if candidate in configs:
            return candidate
    return CONFIG_NAME


def write_roster_signers(roster: Roster, path: Path) -> Path:
    """Git's allowed-signers file for the roster's SSH keys (principal: the person's e-mail)."""
    try:
        gitio.write_allowed_signers(roster.allowed_signers(), path)
    except ValueError as exc:
        raise SlactlError(f"cannot use the roster: {exc}", path=roster.source) from None
    return path


def roster_for(repo: Path, start: Path, base: str | None = None) -> Roster:
    """The roster that governs ``start``: the nearest slactl.yaml above it, in ``base`` when given."""
    if base is None:
        return load_roster(repo, _config_relpath(repo, start), None)
    configs = {p for p, _ in gitio.tree_files(repo, base) if PurePosixPath(p).name == CONFIG_NAME}
    return load_roster(repo, _nearest_config(gitio.rel_path(repo, start), configs), base)


def _repo_of(path: Path) -> Path:
    repo = gitio.find_repo(path)
    if repo is None:
        raise SlactlError(
            "not inside a git repository",
            path=str(path),
            hint="approvals live in git: run `git init` and commit the agreement",
        )
    return repo


@dataclass(frozen=True, slots=True)
class _Counterpart:
    relpath: str
    how: str  # "same path", "renamed", "same id"
    doc: Agreement


class _Gate:
    """Everything judged in one repository: settings and approvals per settings file, the base."""

    def __init__(self, repo: Path, base: str | None, require_signed: bool) -> None:
        if gitio.head_commit(repo) is None:
            raise SlactlError("the repository has no commit yet", path=str(repo), hint="commit the agreement first")
        self.repo, self.base, self.require_signed = repo, base, require_signed
        self.base_sha = gitio.resolve(repo, base) if base is not None else None
        self.head_sha = gitio.resolve(repo, "HEAD")
        self._settings: dict[str, Settings] = {}
        self._records: dict[str, list[ApprovalRecord]] = {}
        self._empty: set[str] | None = None
        self._checked: set[str] = set()
        self._deleted: list[_Counterpart] | None = None
        self._ancestry: _Ancestry | None = None
        self._base_tree: dict[str, str] | None = None
        self._changed: list[gitio.ChangedFile] | None = None
        self._by_id: dict[str, list[str]] | None = None

    # -- base tree
    @property
    def base_tree(self) -> dict[str, str]:
        if self._base_tree is None:
            assert self.base_sha is not None
            self._base_tree = dict(gitio.tree_files(self.repo, self.base_sha))
        return self._base_tree

    @property
    def changed(self) -> list[gitio.ChangedFile]:
        if self._changed is None:
            assert self.base_sha is not None
            self._changed = gitio.changed_files(self.repo, self.base_sha, self.head_sha)
        return self._changed

    def read_base(self, relpath: str) -> bytes | None:
        return self._read(self.base_tree.get(relpath))

    def read_head(self, relpath: str) -> bytes | None:
        return gitio.read_file_at(self.repo, self.head_sha, relpath)

    def _read(self, blob: str | None) -> bytes | None:
        if blob is None:
            return None
        return next(raw for _oid, raw in gitio.read_blobs(self.repo, [blob]))

    def base_agreement(self, relpath: str) -> Agreement | None:
        return _try_agreement(self.repo / relpath, self.read_base(relpath))

    def base_ids(self) -> dict[str, list[str]]:
        """metadata.id -> paths of the valid agreements in the base tree."""
        if self._by_id is None:
            self._by_id = {}
            wanted = [(p, b) for p, b in self.base_tree.items() if PurePosixPath(p).suffix.lower() in _DOC_SUFFIXES]
            blobs = list(dict.fromkeys(b for _, b in wanted))
            contents = dict(gitio.read_blobs(self.repo, blobs))
            for relpath, blob in wanted:
                doc = _try_agreement(self.repo / relpath, contents[blob])
                if doc is not None:
                    self._by_id.setdefault(doc.metadata.id, []).append(relpath)
        return self._by_id

    def counterparts(self, relpath: str, agreement_id: str) -> list[_Counterpart]:
        """The agreement in the base: same path, then the path it was renamed from, then same id."""
        found: list[tuple[str, str]] = []
        if relpath in self.base_tree:
            found.append((relpath, "same path"))
        renamed = next((c.old_path for c in self.changed if c.status == "R" and c.path == relpath), None)
        if renamed is not None and renamed != relpath:
            found.append((renamed, "renamed"))
        out = []
        for path, how in found:
            doc = self.base_agreement(path)
            if doc is not None:
                out.append(_Counterpart(path, how, doc))
        if not any(c.doc.metadata.id == agreement_id for c in out):
            for path in self.base_ids().get(agreement_id, []):
                if path not in {c.relpath for c in out}:
                    doc = self.base_agreement(path)
                    assert doc is not None
                    out.append(_Counterpart(path, "same id", doc))
        return out

    # -- settings and approvals
    def settings(self, relpath: str, path: Path) -> Settings:
        """The settings governing ``relpath``: nearest slactl.yaml in the base tree (work tree without a base)."""
        if self.base is not None:
            configs = {p for p in self.base_tree if PurePosixPath(p).name == CONFIG_NAME}
            config = _nearest_config(relpath, configs)
        else:
            config = _config_relpath(self.repo, path)
        found = self._settings.get(config)
        if found is None:
            found = self._settings[config] = _load_settings(self.repo, config, self.base)
        return found

    def records(self, settings: Settings) -> list[ApprovalRecord]:
        """Approvals in HEAD's ancestry, signatures checked against this settings file's roster."""
        found = self._records.get(settings.relpath)
        if found is None:
            with tempfile.TemporaryDirectory(prefix="slactl-signers-") as tmp:
                signers = write_roster_signers(settings.roster, Path(tmp) / "allowed_signers")
                commits = gitio.trailer_commits(self.repo, self.head_sha, TRAILER_PREFIX, signers, verify=True)
            found = self._records[settings.relpath] = _records(commits)
        return found

    def is_empty(self, record: ApprovalRecord) -> bool:
        if self._empty is None:
            self._empty, self._checked = set(), set()
        if record.commit not in self._checked:
            shas = {r.commit for recs in self._records.values() for r in recs} - self._checked
            self._empty |= gitio.empty_commits(self.repo, sorted(shas | {record.commit}))
            self._checked |= shas | {record.commit}
        return record.commit in self._empty

    def deleted_agreements(self) -> list[_Counterpart]:
        """Agreements of the base that the branch deletes (git saw no rename of them)."""
        if self._deleted is None:
            self._deleted = []
            for change in self.changed:
                if change.status == "D":
                    doc = self.base_agreement(change.path)
                    if doc is not None:
                        self._deleted.append(_Counterpart(change.path, "deleted in this branch", doc))
        return self._deleted

    @property
    def ancestry(self) -> _Ancestry:
        if self._ancestry is None:
            self._ancestry = _Ancestry(self.repo)
        return self._ancestry

    # -- one agreement
    def status(self, path: Path, relpath: str, raw: bytes | None, today: date) -> AgreementStatus:
        from slactl.digest import content_digest

        problems: list[str] = []
        if self.base is not None and raw is None:
            raw = self.read_head(relpath)
            if raw is None:
                problems.append("not committed: the gate judges the content committed at HEAD")
        doc = _load_agreement(path, raw)
        digest = content_digest(doc)
        state = gitio.file_state(self.repo, relpath)
        counterparts: list[_Counterpart] = []
        maybe: list[_Counterpart] = []  # new: perhaps one of these, rewritten beyond git's rename detection
        policy_source = None
        if self.base is not None:
            counterparts = self.counterparts(relpath, doc.metadata.id)
            settings = self.settings(counterparts[0].relpath if counterparts else relpath, path)
            policy = settings.new_agreement_stages
            if not counterparts:
                maybe = self.deleted_agreements()
                if policy is not None:
                    policy_source = settings.source
        else:
            settings, policy = self.settings(relpath, path), None
        labels = [
            f"{c.relpath} at {self.base} ({c.how}"
            + (f", id {c.doc.metadata.id})" if c.doc.metadata.id != doc.metadata.id else ")")
            for c in (*counterparts, *maybe)
        ]
        required = required_stages(
            doc,
            [(f"{c.relpath} at {self.base}", c.doc) for c in counterparts],
            policy,
            [(f"{c.relpath} at {self.base} (deleted in this branch)", c.doc) for c in maybe],
        )
        ids = {doc.metadata.id} | {c.doc.metadata.id for c in counterparts}
        mine = [r for r in self.records(settings) if r.agreement_id in ids]
        history = _History(self.repo, relpath, path, doc)
        stages = []
        for stage in required:
            judged = [
                _judge(r, stage, digest, settings.roster, self.require_signed, history, self.is_empty(r))
                for r in mine
                if r.stage == stage.stage
            ]
            stages.append(_stage_status(stage, judged, self.ancestry))
        return AgreementStatus(
            path=path,
            relpath=relpath,
            agreement_id=doc.metadata.id,
            digest=digest,
            uncommitted=state != "clean",
            stages=tuple(stages),
            term=term_status(doc.term, today),
            roster_source=settings.roster.source,
            require_signed=self.require_signed,
            base=self.base,
            counterparts=tuple(labels),
            policy_source=policy_source,
            new_in_branch=self.base is not None and not counterparts,
            settings_source=settings.source,
            problems=tuple(problems),
        )

    def changed_agreements(
        self, scope: Sequence[str]
    ) -> tuple[list[tuple[str, bytes]], list[tuple[str, str]], list[str]]:
        """Files the branch changed under ``scope`` whose base or head content is an agreement.

        Read from git objects only. Returns (head path, head content) to judge, deletions
        (not gated) and problems (an agreement in the base the branch made into something else).
        """
        judge: list[tuple[str, bytes]] = []
        deleted: list[tuple[str, str]] = []
        problems: list[str] = []
        for change in self.changed:
            if not any(_under(change.path, s) or (change.old_path and _under(change.old_path, s)) for s in scope):
                continue
            old = change.old_path or change.path
            base_raw = self.read_base(old) if change.status != "A" or change.old_path else None
            head_raw = None if change.status == "D" else self.read_head(change.path)
            head_kind = _kind_of(head_raw) if head_raw is not None else None
            was_agreement = base_raw is not None and _kind_of(base_raw) == "Agreement"
            if head_kind == "Agreement" and head_raw is not None:
                if not was_agreement or _try_agreement(self.repo / change.path, head_raw) is not None:
                    judge.append((change.path, head_raw))
                    continue
                # Meant to be one (a near miss: `kind: Agreements`) but no valid agreement: a problem line.
                head_kind = "invalid"
            if was_agreement:
                assert base_raw is not None
                doc = _try_agreement(self.repo / old, base_raw)
                what = f"{old} ({doc.metadata.id})" if doc is not None else old
                if change.status == "D":
                    deleted.append((old, doc.metadata.id if doc is not None else ""))
                else:
                    found = (
                        "it does not validate: run `slactl validate`"
                        if head_kind == "invalid"
                        else f"kind {head_kind!r}"
                        if head_kind
                        else "not a document with a kind"
                    )
                    problems.append(
                        f"{change.path}: was an agreement at {self.base} ({what}) and no longer parses as one "
                        f"({found}): fix it, or delete it in a change of its own"
                    )
        return judge, deleted, problems


_DOC_SUFFIXES = (".yaml", ".yml", ".json")


def _under(relpath: str, scope: str) -> bool:
    return scope in ("", ".") or relpath == scope or relpath.startswith(scope.rstrip("/") + "/")


def status_paths(
    paths: Sequence[Path],
    *,
    base: str | None = None,
    require_signed: bool = False,
    today: date,
    scope: Sequence[Path] | None = None,
) -> StatusReport:
    """Approval status of each agreement file.

    With ``base`` (the gate): the content judged is the one committed at HEAD; the bar
    comes from the agreement's counterpart in the base (same path, the path git's rename
    detection says it came from, or the same ``metadata.id``), or for a new agreement from
    the base's policy; roster and policy come from the nearest ``slactl.yaml`` above it in
    the base tree. Every file the branch changed under ``scope`` (folders or files) whose
    head or base content is an agreement is judged too, read from git objects.
    """
    if base is not None:
        base = base.strip()
    gates: dict[Path, _Gate] = {}

    def gate_of(path: Path) -> tuple[_Gate, Path]:
        repo = _repo_of(path)
        gate = gates.get(repo)
        if gate is None:
            gate = gates[repo] = _Gate(repo, base, require_signed)
        return gate, repo

    out: list[AgreementStatus] = []
    seen: set[tuple[Path, str]] = set()
    for path in paths:
        gate, repo = gate_of(path)
        relpath = gitio.rel_path(repo, path)
        seen.add((repo, relpath))
        out.append(gate.status(path, relpath, None, today))
    deleted: list[tuple[str, str]] = []
    problems: list[str] = []
    if base is not None and scope is not None:
        scopes: dict[Path, list[str]] = {}
        for item in scope:
            gate, repo = gate_of(item)
            scopes.setdefault(repo, []).append(gitio.rel_path(repo, item))
        for repo, within in scopes.items():
            judge, gone, bad = gates[repo].changed_agreements(within)
            deleted += gone
            problems += bad
            for relpath, raw in judge:
                if (repo, relpath) not in seen:
                    seen.add((repo, relpath))
                    out.append(gates[repo].status(repo / relpath, relpath, raw, today))
    return StatusReport(tuple(out), today, base, require_signed, tuple(deleted), tuple(problems))


def judge_stages(path: Path, *, base: str | None = None, require_signed: bool = False) -> tuple[StageStatus, ...]:
    """Every required stage of one agreement file, judged: the one judging function.

    The same rules as ``slactl status`` (roster and policy of the governing settings file,
    roles, signatures, supersession, rewritten approvals); ``history`` and ``render`` call
    this rather than judging approvals themselves.
    """
    return status_paths([path], base=base, require_signed=require_signed, today=date(1970, 1, 1)).agreements[0].stages


def agreement_files(paths: Sequence[Path]) -> list[Path]:
    """Files given, plus files under folders given that are, or are meant to be, agreements.

    Decided by parsing (slactl.discovery), never by matching text: a near miss or an agreement
    the loader refuses is included, so judging it fails loudly instead of passing it over. Under
    the agreement paths of slactl.yaml every YAML file that is not a catalog is included.
    """
    from slactl.config import load_config
    from slactl.discovery import classify, find

    out = []
    for cand in find(paths, load_config(paths[0]) if paths else None):
        if cand.named:
            out.append(cand.path)
            continue
        try:
            found = classify(cand.path.read_bytes())
        except OSError as exc:
            raise SlactlError(f"cannot read file: {exc.strerror}", path=str(cand.path)) from None
        if found.kind == "Agreement" or (cand.explicit and found.kind is None):
            out.append(cand.path)
    return out


# --------------------------------------------------------------------------- render integration


class ApprovalRow(NamedTuple):
    """One row of a rendered approval table."""

    stage: str
    roles: tuple[str, ...]
    who: str  # "" when missing
    when: datetime | None
    status: str  # e.g. "approved (verified)", "stale: term.end changed", "missing"


def status_text(stage: StageStatus) -> str:
    """Short human wording of a stage's state."""
    j = stage.decisive
    if j is None:
        return "missing"
    if j.state == "approved":
        return "approved (verified)" if j.verified else "approved (unverified: unsigned)"
    if j.state == "stale":
        return "stale: changed since approval: " + "; ".join(j.changed)
    return f"rejected: {j.reason}"


def approval_table(
    path: Path, *, base: str | None = None, require_signed: bool = False, today: date | None = None
) -> list[ApprovalRow]:
    """Per required stage, in order: (stage, roles, who, when, status) for the file's current content.

    For the renderer's approval table. Raises SlactlError when the file is not in a git
    repository or the roster cannot be read.
    """
    # The table has no term column, so the day only fills a field nobody reads here.
    report = status_paths([path], base=base, require_signed=require_signed, today=today or date(1970, 1, 1))
    rows = []
    for stage in report.agreements[0].stages:
        j = stage.decisive
        rows.append(
            ApprovalRow(
                stage=stage.stage,
                roles=stage.roles,
                who=j.who if j is not None else "",
                when=j.record.when if j is not None else None,
                status=status_text(stage),
            )
        )
    return rows


# --------------------------------------------------------------------------- approve


@dataclass(frozen=True, slots=True)
class RecordedApproval:
    """What ``slactl approve`` committed, and who it counts for."""

    commit: str
    agreement_id: str
    stage: str
    digest: str
    relpath: str
    signed: bool
    person: str = ""  # "Name <email>" of the roster person the approval is by (signed: proven)
    key: str = ""  # the fingerprint git verified on the new commit ("" when unsigned)
    roster: str = ""  # where the roster was read


def approval_message(agreement_id: str, stage: str, digest: str, note: str | None = None) -> str:
    """The approval commit message: subject, optional note, then the three trailers as the final block."""
    body = f"Approve {agreement_id}: {stage}\n\n"
    if note and note.strip():
        body += note.strip() + "\n\n"
    body += f"{TRAILER_AGREEMENT}: {agreement_id}\n{TRAILER_APPROVAL}: {stage}\n{TRAILER_DIGEST}: {digest}\n"
    return body


def record_approval(
    path: Path,
    stage: str,
    *,
    note: str | None = None,
    sign: bool | None = None,
    allow_unsigned: bool = False,
    stage_named_as_role: bool = False,
) -> RecordedApproval:
    """Commit an approval of ``path`` as committed at HEAD for ``stage``, only if it can count.

    ``sign`` None follows git's ``commit.gpgSign``. Refuses (SlactlError, nothing committed)
    when the file is not committed, differs from HEAD or is invalid; when the agreement has
    no such stage; when the key git signs with is not a roster key of a person holding one
    of the stage's roles (the roster that governs the file, read from the working tree);
    and an unsigned approval unless ``allow_unsigned`` (then the author e-mail must be such
    a person's). ``stage_named_as_role``: the stage came from the deprecated ``--role``
    option, so a value that reads as a role is refused rather than guessed.

    The commit is empty, its author and committer are the roster person (same instant),
    and a signed one is verified against the roster before the branch moves to it.
    """
    from slactl.digest import content_digest
    from slactl.documents import load_valid

    repo = _repo_of(path)
    relpath = gitio.rel_path(repo, path)
    state = gitio.file_state(repo, relpath) if gitio.head_commit(repo) else "untracked"
    if state != "clean" or gitio.blob_at_head(repo, relpath) is None:
        wording = {
            "untracked": "is not committed",
            "absent": "does not exist",
            "ignored": "is ignored by git",
            "staged": "has staged changes that are not committed",
            "modified": "has uncommitted changes",
            "deleted": "is deleted in the working tree",
            "conflicted": "has merge conflicts",
        }.get(state, "is not committed")
        raise SlactlError(
            f"the file {wording}: an approval binds the committed content",
            path=str(path),
            hint=f"commit it first (`git add {relpath} && git commit`), then approve",
        )
    head = gitio.resolve(repo, "HEAD")  # one HEAD for the content read and the commit's parent
    raw = gitio.read_file_at(repo, head, relpath)
    assert raw is not None  # blob_at_head said it is there
    doc: Agreement = load_valid(path, kind="Agreement", raw=raw).document  # type: ignore[assignment]
    wanted = _approval_stage(doc, stage, str(path), stage_named_as_role)
    roster = roster_for(repo, path)
    signed = sign if sign is not None else gitio.config_get(repo, "commit.gpgSign", kind="bool") == "true"
    sign_key = ""
    if signed:
        key = gitio.signing_key(repo)
        sign_key = key.sign_key
        person = _signing_person(key, roster, str(repo))
    else:
        person = _claimed_person(repo, roster, allow_unsigned)
    _check_role(person, wanted, roster)
    digest = content_digest(doc)
    message = approval_message(doc.metadata.id, wanted.stage, digest, note)
    sha, parent = gitio.write_empty_commit(
        repo, message, sign=signed, sign_key=sign_key, identity=(person.name, person.email), parent=head
    )
    fingerprint = ""
    if signed:
        fingerprint = _verified_key(repo, sha, roster, person)
    gitio.advance_head(repo, sha, parent, f"slactl approve: {doc.metadata.id} {wanted.stage}")
    return RecordedApproval(
        sha, doc.metadata.id, wanted.stage, digest, relpath, signed, person.label, fingerprint, roster.source
    )


def _approval_stage(doc: Agreement, name: str, where: str, named_as_role: bool) -> ApprovalStage:
    """The stage ``name`` of the agreement; a role, an ambiguous or unknown name is refused with choices."""
    import difflib

    stages = list(doc.approvals.stages) if doc.approvals else []
    ids = [s.stage for s in stages]
    taking = [s.stage for s in stages if name in s.roles]
    if named_as_role and name in ids and any(t != name for t in taking):
        others = ", ".join(t for t in taking if t != name)
        raise SlactlError(
            f"`--role {name}` is ambiguous: {name} is a stage, and also a role of stage(s) {others}",
            path=where,
            hint=f"--role is deprecated and means the stage: say `--stage {name}` for the stage named {name}",
        )
    for stage in stages:
        if stage.stage == name:
            return stage
    choices = ", ".join(ids) if ids else "none: the agreement has no `approvals.stages`"
    if taking:
        more = "".join(f" (or `--stage {t}`)" for t in taking[1:])
        lead = "`--role` names a stage, not a role: " if named_as_role else ""
        raise SlactlError(
            f"{lead}{name} is a role, not a stage of {doc.metadata.id}: did you mean `--stage {taking[0]}`{more}?",
            path=where,
            hint=f"the stages are: {choices}",
        )
    close = difflib.get_close_matches(name, ids, n=1, cutoff=0.6)
    guess = f" (did you mean {close[0]!r}?)" if close else ""
    raise SlactlError(
        f"the agreement {doc.metadata.id} has no approval stage {name!r}{guess}",
        path=where,
        hint=f"the stages are: {choices}",
    )


def _signing_person(key: gitio.SigningKey, roster: Roster, where: str) -> Person:
    """The roster person whose key git will sign with, or a refusal naming the key."""
    if key.format == "ssh":
        fingerprints: tuple[str, ...] = (ssh_fingerprint(key.public_key),)
        person = roster.by_ssh_fingerprint(fingerprints[0])
    else:
        fingerprints = key.fingerprints
        person = next((p for p in map(roster.by_gpg_fingerprint, fingerprints) if p is not None), None)
    if person is None:
        shown = fingerprints[0] if fingerprints else key.configured
        raise SlactlError(
            f"git would sign with {key.format.upper() if key.format == 'ssh' else 'OpenPGP'} key {shown}, "
            f"which is not in the roster ({roster.source}): the approval could never count",
            path=where,
            hint="sign with your own key as listed in the roster (`git config user.signingKey ...`), "
            "or have your key added to the roster on the protected branch first",
        )
    return person


def _claimed_person(repo: Path, roster: Roster, allow_unsigned: bool) -> Person:
    """For an unsigned approval: the roster person the author e-mail claims to be."""
    if not allow_unsigned:
        raise SlactlError(
            "an unsigned approval proves nobody: it never counts under `status --require-signed`, "
            "and it names its approver only by a claim",
            path=str(repo),
            hint="sign it (`--sign`, with git's gpg.format and user.signingKey, or `git config commit.gpgSign true`); "
            "give --allow-unsigned to record an unsigned claim anyway",
        )
    _, email, _ = gitio.ident(repo, "author")
    person = roster.by_email(email)
    if person is None:
        raise SlactlError(
            f"an unsigned approval would claim {email}, who is not in the roster ({roster.source})",
            path=str(repo),
            hint="`git config user.email <your roster e-mail>`, or sign the approval",
        )
    return person


def _check_role(person: Person, stage: ApprovalStage, roster: Roster) -> None:
    if set(person.roles) & set(stage.roles):
        return
    held = ", ".join(person.roles) or "no role"
    raise SlactlError(
        f"{person.name} holds {held}; stage {stage.stage} needs {', '.join(stage.roles)}: "
        "the approval could never count",
        path=roster.source,
        hint="approve a stage your roles allow, or ask someone who holds the role",
    )


def _verified_key(repo: Path, commit: str, roster: Roster, person: Person) -> str:
    """The fingerprint that verifies ``commit`` as ``person``'s, or a refusal (the branch has not moved)."""
    with tempfile.TemporaryDirectory(prefix="slactl-signers-") as tmp:
        signers = write_roster_signers(roster, Path(tmp) / "allowed_signers")
        found = identify(gitio.verify_commit(repo, commit, signers), roster)
    if found.verified and found.person == person:
        return found.key
    why = found.reason or f"it verifies as {found.person.label if found.person else 'nobody'}"
    raise SlactlError(
        f"git signed the approval with another key than announced ({why}): nothing was committed",
        path=str(repo),
        hint="check user.signingKey and the keys your ssh-agent or gpg-agent offers",
    )
