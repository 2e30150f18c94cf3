"""Recording an approval: ``slactl approve`` writes an empty, signed commit with the trailers.

Refused (nothing committed) unless the approval could count: see ``record_approval``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from slactl import git as gitio
from slactl.approvals import trailers
from slactl.approvals.roster import (
    Person,
    Roster,
    _repo_of,
    identify,
    roster_for,
    ssh_fingerprint,
    write_roster_signers,
)
from slactl.errors import SlactlError

if TYPE_CHECKING:
    from slactl.model.agreement import Agreement, ApprovalStage


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
    return trailers.message(agreement_id, stage, digest, note)


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
    when the file is not committed, differs from HEAD, is invalid or has an error any rule of
    ``slactl validate`` reports; when the agreement has
    no such stage; when the key git signs with is not a roster key of a person holding one
    of the stage's roles (the roster that governs the file, read from the working tree);
    and an unsigned approval unless ``allow_unsigned`` (then the author e-mail must be such
    a person's). ``stage_named_as_role``: the stage came from the deprecated ``--role``
    option, so a value that reads as a role is refused rather than guessed.

    The commit is empty, its author and committer are the roster person (same instant),
    and a signed one is verified against the roster before the branch moves to it.
    """
    from slactl.clause_sources import clause_folder_of, library_at
    from slactl.clauses import digest_part
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
    _refuse_rule_errors(path)
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
    # The words of the library clauses as committed at HEAD: what the approval binds.
    digest = content_digest(doc, digest_part(doc, library_at(repo, head, clause_folder_of(repo, path))))
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


def _refuse_rule_errors(path: Path) -> None:
    """Refuse content ``slactl validate`` refuses: an approval of it would certify terms CI rejects.

    The file is clean at HEAD (checked before), so the work tree's bytes are the committed
    ones; the rules run as ``slactl validate PATH`` runs them (settings, catalogs, the
    file's own ``ignore`` entries). Warnings do not stop an approval.
    """
    from slactl.config import load_config
    from slactl.findings import Severity, listed
    from slactl.validate import validate_paths

    result = validate_paths([path], load_config(path), jobs=1)
    here = path.resolve()
    errors = [f for f in result.findings if f.severity is Severity.ERROR and Path(f.file).resolve() == here]
    if not errors:
        return
    raise SlactlError(
        f"`slactl validate` reports {len(errors)} error{'s' if len(errors) != 1 else ''} in the file, "
        f"and an approval binds content that validates:\n{listed(errors)}",
        path=str(path),
        hint=f"fix them (`slactl validate {path}`), commit, then approve",
    )


def _approval_stage(doc: Agreement, name: str, where: str, named_as_role: bool) -> ApprovalStage:
    """The stage ``name`` of the agreement; a role, an ambiguous or unknown name is refused with choices."""
    import difflib

    stages = list(doc.approvals.stages) if doc.approvals else []
    ids = [s.stage for s in stages]
    taking = [s.stage for s in stages if name in s.roles]
    if named_as_role and name in ids and any(t != name for t in taking):
        listed = [t for t in taking if t != name]
        others = ", ".join(listed)
        raise SlactlError(
            f"`--role {name}` is ambiguous: {name} is a stage, and also a role of "
            f"{'stage' if len(listed) == 1 else 'stages'} {others}",
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
