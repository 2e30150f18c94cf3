"""slactl approve / status on real temporary repositories with real SSH-signed commits.

The attacks on the trust rules are in tests/approvals/test_trust.py; this file covers the normal
workflow, the refusals, the term, the output and the render integration. The helpers
here (``World``, ``setup_world``...) are shared with test_trust.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from gitrepo import AUTHOR, GitRepo, SshKey
from slactl import approvals
from slactl.approvals import AgreementStatus, StageStatus
from slactl.clause_sources import library_of
from slactl.cli import main
from slactl.digest import digest_with_library
from slactl.documents import load_valid
from slactl.errors import SlactlError
from slactl.git import Signature

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "it-hr-support-fy2027.yaml"
AGREEMENT = "agreements/it-hr.yaml"
AGREEMENT_ID = "it-hr-support-fy2027"
STAGES = ("management-initial", "legal", "management-final", "signature")
TODAY = date(2026, 11, 1)

# name, e-mail, roles
PEOPLE = {
    "alex": ("Alex Romero", "alex.romero@lakeside.example.org", ["management"]),
    "laura": ("Laura Stein", "laura.stein@lakeside.example.org", ["legal"]),
    "robert": ("Robert Chen", "robert.chen@lakeside.example.org", ["management", "signatory"]),
}
# who approves which stage in the happy path
APPROVER = {"management-initial": "alex", "legal": "laura", "management-final": "robert", "signature": "robert"}


@dataclass
class World:
    repo: GitRepo
    keys: dict[str, SshKey]

    @property
    def path(self) -> Path:
        return self.repo.file(AGREEMENT)

    def digest(self) -> str:
        # The agreement uses library clauses: the digest covers their words too (docs/clauses.md).
        return digest_with_library(load_valid(self.path).document, library_of(self.path))

    def approve(self, who: str | None, stage: str, *, digest: str | None = None, agreement: str = AGREEMENT_ID) -> str:
        """An approval commit signed by ``who``'s key (unsigned when None), made the way
        ``slactl approve`` makes it: empty, author and committer the approver, one date."""
        msg = approvals.approval_message(agreement, stage, digest or self.digest())
        if who is None:
            return self.repo.commit(msg, add_all=False, allow_empty=True, committer=AUTHOR)
        ident = identity(who)
        return self.repo.commit(
            msg, add_all=False, allow_empty=True, sign_with=self.keys[who], author=ident, committer=ident
        )

    def status(self, **kwargs: object) -> AgreementStatus:
        report = approvals.status_paths([self.path], today=TODAY, **kwargs)
        return report.agreements[0]


def identity(who: str) -> tuple[str, str]:
    """(name, e-mail) of a person of PEOPLE; Mallory's own when she is not in it."""
    if who in PEOPLE:
        return PEOPLE[who][0], PEOPLE[who][1]
    return "Mallory Mole", "mallory@evil.example.com"


def roster_yaml(keys: dict[str, SshKey], people: dict[str, tuple[str, str, list[str]]] = PEOPLE) -> str:
    lines = ["fiscal_year_start: '10-01'", "roles: [management, legal, signatory]", "people:"]
    for who, (name, email, roles) in people.items():
        lines += [
            f"  - name: {name}",
            f"    email: {email}",
            f"    roles: [{', '.join(roles)}]",
            f"    ssh_keys: ['{keys[who].public_line}']",
        ]
    return "\n".join(lines) + "\n"


def setup_world(repo: GitRepo, *, extra_keys: tuple[str, ...] = ("mallory",)) -> World:
    keys = {name: repo.make_ssh_key(name) for name in (*PEOPLE, *extra_keys)}
    repo.write("slactl.yaml", roster_yaml(keys))
    repo.write(AGREEMENT, EXAMPLE.read_text(encoding="utf-8"))
    for clause in sorted((EXAMPLE.parent / "clauses").glob("*.md")):  # the clause library it uses
        repo.write(f"clauses/{clause.name}", clause.read_text(encoding="utf-8"))
    repo.commit("Add the IT/HR agreement and the roster")
    return World(repo, keys)


def stage_of(status: AgreementStatus, name: str) -> StageStatus:
    return next(s for s in status.stages if s.stage == name)


def edit(world: World, old: str, new: str, message: str = "edit") -> None:
    text = world.repo.read(AGREEMENT)
    assert old in text
    world.repo.write(AGREEMENT, text.replace(old, new, 1))
    world.repo.commit(message)


@pytest.fixture
def world(git_repo: GitRepo) -> World:
    return setup_world(git_repo)


# ----------------------------------------------------------------------- approve


def test_approve_records_an_empty_commit_with_the_three_trailers(world: World) -> None:
    before = world.repo.head()
    world.repo.use_signing_key(world.keys["laura"])
    done = approvals.record_approval(world.path, "legal", note="Reviewed clause 7.", sign=True)
    assert done.commit == world.repo.head() != before
    assert world.repo.git("diff-tree", "--no-commit-id", "-r", "--name-only", done.commit) == ""  # no file changes
    message = world.repo.git("log", "-1", "--format=%B")
    assert "Reviewed clause 7." in message
    trailers = world.repo.git("log", "-1", "--format=%(trailers:only=true)").splitlines()
    assert trailers == [
        f"Slactl-Agreement: {AGREEMENT_ID}",
        "Slactl-Approval: legal",
        f"Slactl-Digest: {world.digest()}",
    ]
    assert done.digest == world.digest() and done.stage == "legal" and done.signed


def test_approve_sign_uses_gits_signing_configuration(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    world.repo.use_signing_key(world.keys["laura"])
    # Laura approves as herself: an approval authored by someone else is not hers (a rewritten one)
    monkeypatch.setenv("GIT_AUTHOR_NAME", PEOPLE["laura"][0])
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", PEOPLE["laura"][1])
    assert main(["approve", str(world.path), "--role", "legal", "--sign", "-m", "ok"]) == 0
    assert "approved it-hr-support-fy2027 for stage legal" in capsys.readouterr().out
    legal = stage_of(world.status(require_signed=True), "legal")
    assert legal.state == "approved"
    assert legal.decisive is not None and legal.decisive.verified
    assert legal.decisive.person is not None and legal.decisive.person.name == "Laura Stein"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("modify", "has uncommitted changes"),
        ("stage", "has staged changes"),
        ("untracked", "is not committed"),
        ("invalid", "not a valid slactl document"),
        ("unknown-stage", "has no approval stage 'qa'"),
        # Schema-valid, refused by the rules: what CI's `slactl validate` would reject.
        ("hidden-control", "`slactl validate` reports 1 error in the file"),
        ("missing-clause", "SLA180 no clause `notices`"),
    ],
)
def test_approve_refuses(world: World, change: str, expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    path, stage = world.path, "legal"
    if change == "modify":
        world.repo.write(AGREEMENT, world.repo.read(AGREEMENT) + "# a comment\n")
    elif change == "stage":
        world.repo.write(AGREEMENT, world.repo.read(AGREEMENT) + "# a comment\n")
        world.repo.add(AGREEMENT)
    elif change == "untracked":
        path = world.repo.write("agreements/new.yaml", world.repo.read(AGREEMENT))
    elif change == "invalid":
        world.repo.write(AGREEMENT, world.repo.read(AGREEMENT).replace("target: 99.5%", "target: 99.5"))
        world.repo.commit("break it")
    elif change == "hidden-control":  # a right-to-left override reorders what the signer reads
        text = world.repo.read(AGREEMENT).replace("and Human Resources", "and Human \u202eResources", 1)
        world.repo.write(AGREEMENT, text)
        world.repo.commit("hide a control")
    elif change == "missing-clause":
        world.repo.rm("clauses/notices.md")
        world.repo.commit("drop a clause the agreement uses")
    else:
        stage = "qa"
    head = world.repo.head()
    assert main(["approve", str(path), "--stage", stage]) == 2
    assert expected in capsys.readouterr().err
    assert world.repo.head() == head  # nothing committed


def test_a_warning_does_not_stop_an_approval(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    edit(world, "and Human Resources", "and Human Resources, answered asap")
    assert main(["validate", str(world.path)]) == 0
    assert "SLA304" in capsys.readouterr().out  # vague wording: a warning
    world.repo.use_signing_key(world.keys["laura"])
    done = approvals.record_approval(world.path, "legal", sign=True)
    assert done.digest == world.digest() and world.repo.head() == done.commit


def test_approve_binds_the_committed_content(world: World) -> None:
    committed = world.digest()
    world.repo.use_signing_key(world.keys["laura"])
    done = approvals.record_approval(world.path, "legal", sign=True)
    assert done.digest == committed


# ----------------------------------------------------------------------- status


def test_all_stages_signed_and_approved_gives_exit_0(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    for stage in STAGES:
        world.approve(APPROVER[stage], stage)
    status = world.status(require_signed=True)
    assert status.complete and status.furthest == "signature"
    assert [s.state for s in status.stages] == ["approved"] * 4
    code = main(["status", str(world.path), "--require-signed", "--today", TODAY.isoformat(), "--format", "json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is True
    [agreement] = out["agreements"]
    assert agreement["id"] == AGREEMENT_ID and agreement["digest"] == world.digest()
    assert agreement["furthest_stage"] == "signature"
    legal = agreement["stages"][1]
    assert legal["stage"] == "legal" and legal["state"] == "approved"
    assert legal["approval"]["by"] == {"name": "Laura Stein", "email": "laura.stein@lakeside.example.org"}
    assert legal["approval"]["verified"] is True
    assert legal["approval"]["key"] == world.keys["laura"].fingerprint()


def test_status_text_names_states_and_exits_1_when_incomplete(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.approve("alex", "management-initial")
    world.approve("mallory", "legal")
    code = main(["status", str(world.path), "--today", TODAY.isoformat()])
    out = capsys.readouterr().out
    assert code == 1
    assert "term     active: 2026-10-01 to 2027-09-30 (FY2027); renewal notice by 2027-08-01" in out
    assert "reached  management-initial (1 of 4 stages hold)" in out
    assert "approved by Alex Romero <alex.romero@lakeside.example.org>" in out
    assert "rejected: signed with SSH key" in out and "not in the roster" in out
    assert "missing (roles: signatory)" in out


def test_unsigned_approval_counts_as_unverified_only_without_require_signed(world: World) -> None:
    for stage in STAGES:
        world.approve(None, stage)
    loose = world.status()
    assert loose.complete
    legal = stage_of(loose, "legal").decisive
    assert legal is not None and not legal.verified and legal.person is None
    assert "unverified" in legal.who
    strict = world.status(require_signed=True)
    assert not strict.complete
    assert all(s.state == "rejected" for s in strict.stages)


def test_stale_approval_says_what_changed(world: World) -> None:
    world.approve("laura", "legal")
    edit(world, "target: 99.5%", "target: 99.9%")
    legal = stage_of(world.status(), "legal")
    assert legal.state == "stale"
    assert legal.decisive is not None
    assert legal.decisive.changed == ("Service levels › hris-availability › Target: 99.5% → 99.9%",)
    # approving again makes it hold; the stale one is still listed
    world.approve("laura", "legal")
    legal = stage_of(world.status(), "legal")
    assert legal.state == "approved" and [o.state for o in legal.others] == ["stale"]


def test_working_tree_edit_makes_approvals_stale_and_is_flagged(world: World) -> None:
    world.approve("laura", "legal")
    world.repo.write(AGREEMENT, world.repo.read(AGREEMENT).replace("target: 99.5%", "target: 98%"))
    status = world.status()
    assert status.uncommitted
    assert stage_of(status, "legal").state == "stale"


def test_approval_made_on_a_merged_branch_counts(world: World) -> None:
    world.repo.branch("review")
    world.repo.checkout("review")
    world.approve("laura", "legal")
    world.repo.checkout("main")
    world.repo.write("README.md", "unrelated\n")
    world.repo.commit("unrelated change on main")
    assert stage_of(world.status(), "legal").state == "missing"
    world.repo.merge("review")
    legal = stage_of(world.status(require_signed=True), "legal")
    assert legal.state == "approved" and legal.decisive is not None and legal.decisive.verified


def test_approval_before_a_rename_still_counts(world: World) -> None:
    world.approve("laura", "legal")
    world.repo.mv(AGREEMENT, "agreements/fy2027/it-hr-support.yaml")
    world.repo.commit("Move the agreement")
    report = approvals.status_paths([world.repo.file("agreements/fy2027/it-hr-support.yaml")], today=TODAY)
    legal = stage_of(report.agreements[0], "legal")
    assert legal.state == "approved"
    # and an edit after the rename is still described against the approved (pre-rename) version
    path = world.repo.file("agreements/fy2027/it-hr-support.yaml")
    path.write_text(path.read_text().replace("notice: 30 days", "notice: 45 days"))
    world.repo.commit("Longer notice")
    legal = stage_of(approvals.status_paths([path], today=TODAY).agreements[0], "legal")
    assert legal.state == "stale"
    assert legal.decisive is not None and legal.decisive.changed == ("Termination › Notice: 30 days → 45 days",)


def test_status_finds_agreements_in_folders(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.repo.write("agreements/notes.yaml", "just: some yaml\n")
    code = main(["status", str(world.repo.file("agreements")), "--today", TODAY.isoformat(), "--format", "json"])
    assert code == 1
    out = json.loads(capsys.readouterr().out)
    assert [a["path"] for a in out["agreements"]] == [AGREEMENT]


def test_status_unknown_base_is_a_usage_error(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", str(world.path), "--base", "no-such-branch"]) == 2
    assert "--base 'no-such-branch' names no commit here" in capsys.readouterr().err


def test_agreement_without_stages_is_never_complete(world: World) -> None:
    text = world.repo.read(AGREEMENT)
    start = text.index("approvals:\n")
    end = text.index("signatories:")
    world.repo.write(AGREEMENT, text[:start] + text[end:])
    world.repo.commit("no approvals")
    status = world.status()
    assert status.stages == () and not status.complete


# ----------------------------------------------------------------------- roster


def test_roster_file_named_by_roster_key(world: World) -> None:
    people = roster_yaml(world.keys).split("people:\n", 1)[1]
    world.repo.write("config/people.yaml", "people:\n" + people)
    world.repo.write("slactl.yaml", "roles: [management, legal, signatory]\nroster: config/people.yaml\n")
    world.repo.commit("Move the roster")
    world.approve("laura", "legal")
    status = world.status(require_signed=True)
    assert stage_of(status, "legal").state == "approved"
    assert status.roster_source == "config/people.yaml"


def test_roster_with_people_and_roster_file_is_refused(world: World) -> None:
    world.repo.write("slactl.yaml", roster_yaml(world.keys) + "roster: people.yaml\n")
    with pytest.raises(SlactlError, match="both `people` and `roster`"):
        world.status()


def test_roster_refuses_one_key_for_two_people(world: World) -> None:
    shared = dict(PEOPLE)
    keys = dict(world.keys)
    keys["robert"] = keys["laura"]
    world.repo.write("slactl.yaml", roster_yaml(keys, shared))
    with pytest.raises(SlactlError, match="same key"):
        world.status()


def test_ssh_fingerprint_matches_ssh_keygen(world: World) -> None:
    key = world.keys["alex"]
    assert approvals.ssh_fingerprint(key.public_line) == key.fingerprint()


def _gpg_roster() -> approvals.Roster:
    from slactl.model.config import Person

    # written the way `gpg --fingerprint` prints it: groups of four, any case
    gus = Person(name="Gus", email="gus@example.org", roles=["legal"], gpg_fingerprints=[" ".join(["aaaa"] * 10)])
    return approvals.roster_from_config([gus], "test")


@pytest.mark.parametrize(
    ("status", "fpr", "primary", "verified", "reason"),
    [
        ("G", "A" * 40, "", True, None),
        ("U", "B" * 40, "A" * 40, True, None),  # subkey signature, primary key listed; keyring trust not needed
        ("U", "C" * 40, "C" * 40, False, "not in the roster"),
        ("E", "", "", False, "cannot be checked"),
        ("Y", "A" * 40, "A" * 40, False, "expired key"),
        ("R", "A" * 40, "A" * 40, False, "revoked"),
        ("B", "A" * 40, "A" * 40, False, "bad signature"),
    ],
)
def test_identify_gpg_signatures_by_roster_fingerprint(
    status: str, fpr: str, primary: str, verified: bool, reason: str | None
) -> None:
    ident = approvals.identify(Signature(status, "", fpr, fpr[-16:], primary), _gpg_roster())
    assert ident.verified is verified
    if reason is None:
        assert ident.person is not None and ident.person.name == "Gus"
    else:
        assert ident.person is None and ident.reason is not None and reason in ident.reason


# ----------------------------------------------------------------------- term


@pytest.mark.parametrize(
    ("today", "state", "days_left"),
    [
        (date(2026, 9, 30), "not-started", 365),
        (date(2026, 10, 1), "active", 364),
        (date(2027, 7, 2), "expiring", 90),
        (date(2027, 7, 1), "active", 91),
        (date(2027, 9, 30), "expiring", 0),
        (date(2027, 10, 1), "expired", -1),
    ],
)
def test_term_status(today: date, state: str, days_left: int) -> None:
    doc = load_valid(EXAMPLE).document
    term = approvals.term_status(doc.term, today)
    assert (term.state, term.days_left) == (state, days_left)
    assert term.renewal_notice_date == date(2027, 8, 1)  # 2027-09-30 minus 60 days


def test_renewal_notice_in_business_days_skips_weekends() -> None:
    from slactl.model.types import parse_duration

    term = load_valid(EXAMPLE).document.term
    renewal = term.renewal.model_copy(update={"notice": parse_duration("5 business days")})
    five = term.model_copy(update={"renewal": renewal})
    # 2027-09-30 is a Thursday: five weekdays back is Thursday 2027-09-23
    assert approvals.term_status(five, TODAY).renewal_notice_date == date(2027, 9, 23)


# ----------------------------------------------------------------------- render integration


def test_approval_table_rows_for_the_renderer(world: World) -> None:
    world.approve("alex", "management-initial")
    world.approve("laura", "legal")
    edit(world, "notice: 30 days", "notice: 45 days")
    world.approve("robert", "management-final")
    rows = approvals.approval_table(world.path)
    assert [r.stage for r in rows] == list(STAGES)
    assert rows[0].roles == ("management",)
    assert rows[0].status == "stale: changed since approval: Termination › Notice: 30 days → 45 days"
    assert rows[2].who == "Robert Chen <robert.chen@lakeside.example.org>"
    assert rows[2].status == "approved (verified)" and rows[2].when is not None
    assert rows[3] == ("signature", ("signatory",), "", None, "missing")


def test_rendered_document_shows_the_recorded_approvals(world: World) -> None:
    from slactl.provenance import provenance_of
    from slactl.render import render_document

    world.approve("alex", "management-initial")
    world.approve("laura", "legal")
    valid = load_valid(world.path)
    text = render_document(valid, "md", provenance=provenance_of(valid)).decode()
    rows = text[text.index("| Stage") :].split("\n\n")[0].splitlines()[2:]
    assert rows[0] == (
        "| Management (initial) | Management | Alex Romero &lt;alex.romero@lakeside.example.org&gt; "
        "| January 1, 2024 10:00 UTC | Approved (signature verified) |"
    )
    assert rows[1].startswith("| Legal | Legal | Laura Stein &lt;laura.stein@") and "(signature verified)" in rows[1]
    # stages nobody approved yet still say so, naming who is expected
    assert rows[2:] == [
        "| Management (final) | Management | Robert Chen | — | Not yet recorded |",
        "| Signature | Signatory | — | — | Not yet recorded |",
    ]


def test_describe_change_uses_the_semantic_diff_and_caps_the_list() -> None:
    doc = load_valid(EXAMPLE).document
    changed = doc.model_copy(update={"metadata": doc.metadata.model_copy(update={"title": "New"}), "signatories": []})
    lines = approvals.describe_change(doc, changed, limit=2)
    assert lines[0].startswith("Metadata › Title: IT Support Agreement") and lines[0].endswith("→ New")
    assert lines[1].startswith("Signatories › Robert Chen (provider): removed")
    assert lines[2] == "... and 1 more changes"
    assert approvals.describe_change(doc, doc) == ()


# ----------------------------------------------------------------------- docs


DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize(
    ("name", "schema"), [("github-actions.yml", "vendor.github-workflows"), ("gitlab-ci.yml", "vendor.gitlab-ci")]
)
def test_ci_examples_are_valid_and_check_signed_approvals_against_the_base(name: str, schema: str) -> None:
    import subprocess
    import sys

    path = DOCS / "ci" / name
    proc = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = path.read_text(encoding="utf-8")
    assert "--require-signed --base" in text and "--format markdown" in text
    assert f"(ci/{name})" in (DOCS / "approvals.md").read_text(encoding="utf-8")


def test_status_bad_today_is_a_usage_error(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", str(world.path), "--today", "next tuesday"]) == 2
    assert "not a date" in capsys.readouterr().err
