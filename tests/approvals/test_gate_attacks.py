"""Attacks on the approval gate, `slactl status --require-signed --base main`.

The adversary controls the pull-request branch (its files, commits, slactl.yaml and commit
metadata) but not `main`. Every test here is an attack that passed the gate before it was
closed. Real temporary repositories, real ssh-keygen keys, real signed commits; the world
(roster, agreement, people) is the one of tests/approvals/test_approvals.py.
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from gitrepo import GitRepo
from slactl import approvals
from slactl.approvals import AgreementStatus, StatusReport
from slactl.clause_sources import library_of
from slactl.cli import main
from slactl.digest import digest_with_library
from slactl.documents import load_valid
from test_approvals import (
    AGREEMENT,
    AGREEMENT_ID,
    APPROVER,
    PEOPLE,
    STAGES,
    TODAY,
    World,
    edit,
    identity,
    roster_yaml,
    setup_world,
    stage_of,
)

NEW_ID = "it-hr-support-fy2027-b"
LEGAL_LINE = "    - {stage: legal, roles: [legal], approvers: [Laura Stein]}\n"


@pytest.fixture
def world(git_repo: GitRepo) -> World:
    return setup_world(git_repo)


def on_branch(world: World, name: str = "pr") -> None:
    world.repo.branch(name)
    world.repo.checkout(name)


def gate(world: World, *paths: str, scope: tuple[str, ...] = ()) -> StatusReport:
    """What CI runs: signed approvals only, bar and roster from main."""
    return approvals.status_paths(
        [world.repo.file(p) for p in paths],
        base="main",
        require_signed=True,
        today=TODAY,
        scope=[world.repo.file(s) for s in scope] or None,
    )


def only(report: StatusReport) -> AgreementStatus:
    [agreement] = report.agreements
    return agreement


def approve_all(world: World, path: str = AGREEMENT, *, agreement: str | None = None) -> None:
    """Every stage the file names, approved by its rightful approver for its current content."""
    data = yaml.safe_load(world.repo.read(path))
    doc_id = agreement or str(data["metadata"]["id"])
    digest = digest_of(world.repo.file(path))
    for stage in data["approvals"]["stages"]:
        world.approve(APPROVER[stage["stage"]], stage["stage"], digest=digest, agreement=doc_id)


def digest_of(path: Path) -> str:
    """The digest an approval binds: the file with the words of the library clauses it uses."""
    return digest_with_library(load_valid(path).document, library_of(path))


def as_json(text: str) -> str:
    """The same agreement as JSON (valid YAML): every line differs, so git sees no rename."""
    return json.dumps(yaml.safe_load(text), indent=1, default=str) + "\n"


def cli(*args: str) -> tuple[int, str]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["status", *args, "--require-signed", "--base", "main", "--today", TODAY.isoformat()])
    return code, out.getvalue()


# ------------------------------------------------------------ 1. one identity across its life


def lose_the_counterpart(world: World, how: str) -> str:
    """Change the agreement's path and/or id on the branch, drop the legal stage; the new path."""
    text = world.repo.read(AGREEMENT).replace(LEGAL_LINE, "")
    new = "agreements/moved/it-hr.yaml"
    if how == "git-mv":
        world.repo.mv(AGREEMENT, new)
    elif how == "id":
        new = AGREEMENT
        text = text.replace(f"id: {AGREEMENT_ID}", f"id: {NEW_ID}")
    elif how == "mv-and-id":
        world.repo.mv(AGREEMENT, new)
        text = text.replace(f"id: {AGREEMENT_ID}", f"id: {NEW_ID}")
    elif how == "delete-add-rewritten":  # no rename git can detect; the id is kept
        world.repo.rm(AGREEMENT)
        new = "other/it-hr.yml"
        text = as_json(text)
    elif how == "rewrite-everything":  # new path, new id, no rename git can detect
        world.repo.rm(AGREEMENT)
        new = "other/it-hr.yml"
        text = as_json(text.replace(f"id: {AGREEMENT_ID}", f"id: {NEW_ID}"))
    elif how == "swap-folders":  # the file goes to a dot-folder with an upper-case suffix
        world.repo.mv(AGREEMENT, ".hidden/IT-HR.YAML")
        new = ".hidden/IT-HR.YAML"
    world.repo.write(new, text)
    world.repo.commit(f"Rework the agreement ({how})")
    return new


@pytest.mark.parametrize(
    "how", ["git-mv", "id", "mv-and-id", "delete-add-rewritten", "rewrite-everything", "swap-folders"]
)
def test_changing_path_or_id_then_dropping_a_stage_still_needs_the_stage(world: World, how: str) -> None:
    on_branch(world)
    new = lose_the_counterpart(world, how)
    approve_all(world, new)  # every stage the branch's file still names, rightly approved
    status = only(gate(world, new))
    assert "legal" in [s.stage for s in status.stages]
    assert stage_of(status, "legal").state == "missing"
    assert stage_of(status, "legal").roles == ("legal",)
    assert not status.complete
    assert status.counterparts and status.counterparts[0].startswith(f"{AGREEMENT} at main (")


def test_changed_id_keeps_the_base_bar_and_names_the_counterpart(world: World) -> None:
    on_branch(world)
    edit(world, f"id: {AGREEMENT_ID}", f"id: {NEW_ID}")
    edit(world, "{stage: legal, roles: [legal]", "{stage: legal, roles: [legal, management]")
    approve_all(world)
    world.approve("alex", "legal", agreement=NEW_ID)  # management: enough only by the branch's roles
    status = only(gate(world, AGREEMENT))
    legal = stage_of(status, "legal")
    assert legal.roles == ("legal",)
    assert status.counterparts == (f"{AGREEMENT} at main (same path, id {AGREEMENT_ID})",)


def test_approval_under_the_base_id_counts_only_for_this_exact_content(world: World) -> None:
    on_branch(world)
    old_digest = world.digest()
    for stage in STAGES:  # approvals of the base content under the base id
        world.approve(APPROVER[stage], stage)
    edit(world, f"id: {AGREEMENT_ID}", f"id: {NEW_ID}")
    status = only(gate(world, AGREEMENT))
    assert {s.state for s in status.stages} == {"stale"}  # other content: never approved
    assert all(s.decisive is not None and s.decisive.record.digest == old_digest for s in status.stages)
    # an approval naming the base id and exactly this content is an approval of this content
    for stage in STAGES:
        world.approve(APPROVER[stage], stage, agreement=AGREEMENT_ID)
    assert only(gate(world, AGREEMENT)).complete


def policy_yaml(world: World) -> str:
    return roster_yaml(world.keys) + (
        "policy:\n  new_agreements:\n    stages:\n"
        "      - {stage: legal, roles: [legal]}\n      - {stage: management-final, roles: [management]}\n"
    )


def new_agreement_text(world: World, *, stages: str | None = None) -> str:
    text = world.repo.read(AGREEMENT).replace(f"id: {AGREEMENT_ID}", f"id: {NEW_ID}")
    if stages is not None:
        start, end = text.index("approvals:\n"), text.index("signatories:")
        text = text[:start] + stages + text[end:]
    return text


def test_new_agreement_needs_the_stages_of_the_base_policy(world: World) -> None:
    world.repo.write("slactl.yaml", policy_yaml(world))
    world.repo.commit("Policy for new agreements")
    on_branch(world)
    mine = "approvals:\n  stages:\n    - {stage: management-initial, roles: [management]}\n\n"
    world.repo.write("agreements/new.yaml", new_agreement_text(world, stages=mine))
    # the branch also tries to drop the policy: it is read from main
    world.repo.write("slactl.yaml", roster_yaml(world.keys))
    world.repo.commit("A new agreement, and no more policy")
    approve_all(world, "agreements/new.yaml")
    status = only(gate(world, "agreements/new.yaml"))
    assert [(s.stage, s.roles, s.state) for s in status.stages] == [
        ("legal", ("legal",), "missing"),
        ("management-final", ("management",), "missing"),
        ("management-initial", ("management",), "approved"),
    ]
    assert status.counterparts == ()
    assert status.policy_source == "slactl.yaml at main"
    assert not status.complete


def test_new_agreement_without_stages_and_without_policy_does_not_pass(world: World) -> None:
    on_branch(world)
    world.repo.write("agreements/new.yaml", new_agreement_text(world, stages=""))
    world.repo.commit("A new agreement nobody has to approve")
    code, out = cli(str(world.repo.file("agreements/new.yaml")))
    assert code == 1
    assert "new in this branch" in out and "no policy" in out


# ------------------------------------------------------------ 2. a roster per settings file


def two_teams(world: World) -> None:
    """team-a (Alex, Laura) and team-b (Mallory is legal there), one agreement each."""
    team_a = {k: PEOPLE[k] for k in ("alex", "laura", "robert")}
    team_b = {"mallory": ("Mallory Mole", "mallory@evil.example.com", ["legal"]), "alex": PEOPLE["alex"]}
    world.repo.write("team-a/slactl.yaml", roster_yaml(world.keys, team_a))
    world.repo.write("team-b/slactl.yaml", roster_yaml(world.keys, team_b))
    world.repo.mv(AGREEMENT, "team-a/it-hr.yaml")
    text = world.repo.read("team-a/it-hr.yaml").replace(f"id: {AGREEMENT_ID}", f"id: {NEW_ID}")
    world.repo.write("team-b/it-hr.yaml", text)
    world.repo.commit("Two teams")


@pytest.mark.parametrize("base", [None, "main"])
def test_an_approver_of_one_team_never_counts_for_the_other_teams_agreement(world: World, base: str | None) -> None:
    two_teams(world)
    world.approve("mallory", "legal", digest=digest_of(world.repo.file("team-a/it-hr.yaml")))
    # team-b first, so that a cache per repository would hold team-b's roster
    report = approvals.status_paths(
        [world.repo.file("team-b/it-hr.yaml"), world.repo.file("team-a/it-hr.yaml")],
        base=base,
        require_signed=True,
        today=TODAY,
    )
    team_b, team_a = report.agreements
    suffix = " at main" if base else ""
    assert team_a.roster_source == f"team-a/slactl.yaml{suffix}"
    assert team_b.roster_source == f"team-b/slactl.yaml{suffix}"
    legal = stage_of(team_a, "legal")
    assert legal.state == "rejected" and legal.decisive is not None
    assert legal.decisive.reason is not None and "not in the roster" in legal.decisive.reason


def test_a_nearer_slactl_yaml_added_by_the_branch_does_not_change_the_roster(world: World) -> None:
    on_branch(world)
    world.approve("laura", "legal")
    people = {"mallory": ("Mallory Mole", "mallory@evil.example.com", ["legal", "management", "signatory"])}
    # The same clause library as before (the agreement's words do not change), a roster of her own.
    world.repo.write("agreements/slactl.yaml", roster_yaml(world.keys, people) + "clauses: ../clauses\n")
    world.repo.commit("A roster of my own, next to the agreement")
    for stage in STAGES:
        world.approve("mallory", stage)
    status = only(gate(world, AGREEMENT))
    assert status.roster_source == "slactl.yaml at main"
    assert stage_of(status, "legal").state == "approved"  # Laura's, judged by main's roster
    assert [s.state for s in status.stages] == ["rejected", "approved", "rejected", "rejected"]


def test_a_nearer_slactl_yaml_that_moves_the_clause_library_makes_approvals_stale(world: World) -> None:
    """The branch points the agreement at another clause library (here: none, the default folder
    beside the new slactl.yaml): the words the document would print changed, so the approval made
    for the old words no longer holds, whoever approved it."""
    world.approve("laura", "legal")
    assert stage_of(world.status(), "legal").state == "approved"
    on_branch(world)
    world.repo.write("agreements/slactl.yaml", roster_yaml(world.keys))
    world.repo.commit("A slactl.yaml next to the agreement, with no clause library")
    status = only(gate(world, AGREEMENT))
    assert stage_of(status, "legal").state == "stale"


def test_deleting_the_teams_slactl_yaml_does_not_hand_the_agreement_to_the_root_roster(world: World) -> None:
    team_a = {k: PEOPLE[k] for k in ("alex", "laura", "robert")}
    root = {**team_a, "mallory": ("Mallory Mole", "mallory@evil.example.com", ["legal"])}
    world.repo.write("slactl.yaml", roster_yaml(world.keys, root))
    world.repo.write("agreements/slactl.yaml", roster_yaml(world.keys, team_a))
    world.repo.commit("The agreements folder has its own roster")
    on_branch(world)
    world.repo.rm("agreements/slactl.yaml")
    world.repo.commit("Drop the folder's roster")
    world.approve("mallory", "legal")
    status = only(gate(world, AGREEMENT))
    assert status.roster_source == "agreements/slactl.yaml at main"
    assert stage_of(status, "legal").state == "rejected"


def test_moving_an_agreement_into_another_teams_folder_keeps_its_teams_roster(world: World) -> None:
    two_teams(world)
    on_branch(world)
    world.repo.mv("team-a/it-hr.yaml", "team-b/moved.yaml")
    world.repo.commit("Move it to team b")
    world.approve("mallory", "legal", digest=digest_of(world.repo.file("team-b/moved.yaml")))
    status = only(gate(world, "team-b/moved.yaml"))
    assert status.roster_source == "team-a/slactl.yaml at main"
    assert stage_of(status, "legal").state == "rejected"


# ------------------------------------------------------------ 3. approvals lapse when superseded


def test_reverting_to_earlier_approved_content_needs_a_new_approval(world: World) -> None:
    on_branch(world)
    for stage in STAGES:
        world.approve(APPROVER[stage], stage)
    v1 = world.repo.read(AGREEMENT)
    edit(world, "target: 99.5%", "target: 99.9%", "Better availability")
    world.approve("laura", "legal")  # legal approved the new content...
    world.repo.write(AGREEMENT, v1)
    world.repo.commit("Back to the first version")  # ...and the branch goes back to the old one
    status = only(gate(world, AGREEMENT))
    legal = stage_of(status, "legal")
    assert legal.state == "stale" and legal.decisive is not None
    assert [o.state for o in legal.others] == ["superseded"]
    assert legal.others[0].reason is not None and legal.decisive.record.commit[:12] in legal.others[0].reason
    assert stage_of(status, "management-initial").state == "approved"  # not superseded: nothing newer
    assert not status.complete


def test_supersession_follows_ancestry_not_commit_dates(world: World) -> None:
    on_branch(world)
    v1 = world.repo.read(AGREEMENT)
    msg = approvals.approval_message(AGREEMENT_ID, "legal", world.digest())
    laura = identity("laura")
    late = datetime(2030, 1, 1, tzinfo=UTC)  # the first approval claims to be the newest
    world.repo.commit(
        msg, add_all=False, allow_empty=True, sign_with=world.keys["laura"], author=laura, committer=laura, date=late
    )
    edit(world, "target: 99.5%", "target: 99.9%", "Better availability")
    world.approve("laura", "legal")  # dated 2024: "older" by its date, newer by ancestry
    world.repo.write(AGREEMENT, v1)
    world.repo.commit("Back to the first version")
    assert stage_of(only(gate(world, AGREEMENT)), "legal").state == "stale"


def test_an_approval_on_a_parallel_branch_of_other_content_makes_the_order_unclear(world: World) -> None:
    world.repo.branch("side")
    on_branch(world)
    world.approve("laura", "legal")  # of v1, on pr
    world.repo.checkout("side")
    edit(world, "target: 99.5%", "target: 99.9%", "Better availability")
    world.approve("laura", "legal")  # of v2, on side
    world.repo.checkout("pr")
    world.repo.merge("side", "Merge side", ff=False)
    world.repo.write(AGREEMENT, world.repo.read(AGREEMENT).replace("target: 99.9%", "target: 99.5%"))
    world.repo.commit("Back to the first version")
    legal = stage_of(only(gate(world, AGREEMENT)), "legal")
    assert legal.state == "stale"


@pytest.mark.parametrize("who", ["mallory", "alex", None])
def test_a_later_approval_that_would_not_count_cannot_cancel_a_valid_one(world: World, who: str | None) -> None:
    on_branch(world)
    world.approve("laura", "legal")
    world.approve(who, "legal", digest="sha256:" + "1" * 64)  # unknown key, wrong role, unsigned
    legal = stage_of(only(gate(world, AGREEMENT)), "legal")
    assert legal.state == "approved"
    assert legal.decisive is not None and legal.decisive.person is not None
    assert legal.decisive.person.name == "Laura Stein"


# ------------------------------------------------------------ 4. rewritten approvals don't count


def forge(world: World, stage: str, author: str = "mallory") -> str:
    """An approval commit made by Mallory (unsigned, hers)."""
    msg = approvals.approval_message(AGREEMENT_ID, stage, world.digest())
    return world.repo.commit(msg, add_all=False, allow_empty=True, author=identity(author), committer=identity(author))


def as_laura() -> dict[str, str]:
    name, email = identity("laura")
    return {"GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email}  # fmt: skip


def laura_signs_everything(world: World) -> None:
    world.repo.config("commit.gpgSign", "true")
    world.repo.config("gpg.format", "ssh")
    world.repo.config("user.signingKey", str(world.keys["laura"].private_path))


@pytest.mark.parametrize("how", ["rebase", "cherry-pick"])
def test_an_approver_re_signing_forged_approvals_does_not_make_them_hers(world: World, how: str) -> None:
    world.repo.write("README.md", "main moves on\n")
    world.repo.commit("Unrelated change on main")
    world.repo.branch("pr", "HEAD~1")
    world.repo.checkout("pr")
    forged = forge(world, "legal")
    laura_signs_everything(world)
    if how == "rebase":  # Laura updates the branch onto main, re-signing every commit
        world.repo.git("rebase", "-q", "main", env=as_laura())
    else:
        world.repo.checkout("main")
        world.repo.git("checkout", "-q", "-b", "pr2")
        world.repo.git("cherry-pick", "--allow-empty", forged, env=as_laura())
    assert world.repo.git("log", "-1", "--format=%an|%cn") == "Mallory Mole|Laura Stein"
    assert "\ngpgsig -----BEGIN SSH SIGNATURE-----" in world.repo.git("cat-file", "commit", "HEAD")
    legal = stage_of(only(gate(world, AGREEMENT)), "legal")
    assert legal.state == "rejected" and legal.decisive is not None
    assert legal.decisive.reason is not None and legal.decisive.reason.startswith("rewritten approval")
    assert "Mallory Mole" in legal.decisive.reason


def test_lauras_own_approval_rebased_is_rewritten_too(world: World) -> None:
    world.repo.write("README.md", "main moves on\n")
    world.repo.commit("Unrelated change on main")
    world.repo.branch("pr", "HEAD~1")
    world.repo.checkout("pr")
    world.approve("laura", "legal")
    laura_signs_everything(world)
    world.repo.git("rebase", "-q", "--force-rebase", "main", env=as_laura())
    legal = stage_of(only(gate(world, AGREEMENT)), "legal")
    assert legal.state == "rejected" and legal.decisive is not None
    assert legal.decisive.reason is not None and "dated" in legal.decisive.reason


def test_a_signed_approval_that_also_changes_files_does_not_count(world: World) -> None:
    on_branch(world)
    world.repo.write("notes.txt", "a file slipped into the approval\n")
    msg = approvals.approval_message(AGREEMENT_ID, "legal", world.digest())
    laura = identity("laura")
    world.repo.commit(msg, sign_with=world.keys["laura"], author=laura, committer=laura)
    legal = stage_of(only(gate(world, AGREEMENT)), "legal")
    assert legal.state == "rejected" and legal.decisive is not None
    assert legal.decisive.reason is not None and "not empty" in legal.decisive.reason


def test_a_signed_approval_authored_as_someone_else_does_not_count(world: World) -> None:
    on_branch(world)
    msg = approvals.approval_message(AGREEMENT_ID, "legal", world.digest())
    alex = identity("alex")
    world.repo.commit(msg, add_all=False, allow_empty=True, sign_with=world.keys["laura"], author=alex, committer=alex)
    legal = stage_of(only(gate(world, AGREEMENT)), "legal")
    assert legal.state == "rejected" and legal.decisive is not None
    assert legal.decisive.reason is not None and "alex.romero@" in legal.decisive.reason


def test_slactl_approve_makes_an_approval_that_counts(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    on_branch(world)
    world.repo.use_signing_key(world.keys["laura"])
    monkeypatch.setenv("GIT_AUTHOR_NAME", PEOPLE["laura"][0])
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", PEOPLE["laura"][1])
    assert main(["approve", str(world.path), "--stage", "legal", "--sign"]) == 0
    assert world.repo.git("log", "-1", "--format=%an <%ae> %aI|%cn <%ce> %cI").split("|")[0] == (
        world.repo.git("log", "-1", "--format=%cn <%ce> %cI")
    )
    assert stage_of(only(gate(world, AGREEMENT)), "legal").state == "approved"


# ------------------------------------------------------------ 5. every changed agreement, from git objects


def fully_approved_on_main(world: World) -> None:
    for stage in STAGES:
        world.approve(APPROVER[stage], stage)


@pytest.mark.parametrize(
    ("name", "mangle"),
    [
        ("agreements/sneaky.yaml", lambda t: t.replace("kind: Agreement", "kind : Agreement")),
        ("agreements/sneaky.yaml", lambda t: t.replace("kind: Agreement", '"kind": Agreement')),
        ("agreements/sneaky.yaml", lambda t: "\ufeff" + t),
        ("agreements/sneaky.yaml", lambda t: "# x\n" * 20000 + t),
        ("agreements/sneaky.yaml", lambda t: t.replace("kind: Agreement", "kind:\n  Agreement")),
        ("agreements/SNEAKY.YAML", lambda t: t),
        ("agreements/.drafts/sneaky.yaml", lambda t: t),
        ("agreements/sneaky.json", as_json),
    ],
)
def test_a_changed_agreement_is_found_whatever_its_spelling(world: World, name: str, mangle: object) -> None:
    fully_approved_on_main(world)
    on_branch(world)
    text = world.repo.read(AGREEMENT).replace(f"id: {AGREEMENT_ID}", f"id: {NEW_ID}")
    assert callable(mangle)
    world.repo.write(name, mangle(text))
    world.repo.commit("An agreement nobody approved")
    code, out = cli(str(world.repo.path))
    assert code == 1
    assert f"{name}: {NEW_ID}" in out


def test_the_gate_judges_the_committed_content_not_the_working_tree(world: World) -> None:
    fully_approved_on_main(world)
    on_branch(world)
    approved = world.repo.read(AGREEMENT)
    edit(world, "target: 99.5%", "target: 90%", "Much worse availability")
    world.repo.write(AGREEMENT, approved)  # the work tree shows the approved version
    code, out = cli(str(world.path))
    assert code == 1
    assert "stale" in out


def test_an_agreement_the_branch_turns_into_something_else_fails_the_gate(world: World) -> None:
    world.repo.write("agreements/other.yaml", world.repo.read(AGREEMENT).replace(AGREEMENT_ID, NEW_ID))
    world.repo.commit("A second agreement")
    fully_approved_on_main(world)
    on_branch(world)
    hidden = world.repo.read("agreements/other.yaml").replace("kind: Agreement", "kind: Agreements")
    world.repo.write("agreements/other.yaml", hidden)
    world.repo.commit("Hide the second agreement")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code, _out = cli(str(world.repo.path))
    # Discovery parses it as a near miss of an agreement, so judging it fails loudly (exit 2).
    assert code == 2
    assert "agreements/other.yaml" in err.getvalue() and "got 'Agreements'" in err.getvalue()


def test_an_agreement_the_branch_makes_into_a_non_document_fails_the_gate(world: World) -> None:
    world.repo.write("agreements/other.yaml", world.repo.read(AGREEMENT).replace(AGREEMENT_ID, NEW_ID))
    world.repo.commit("A second agreement")
    fully_approved_on_main(world)
    on_branch(world)
    world.repo.write("agreements/other.yaml", "notes: nothing to see here\n")
    world.repo.commit("Hide the second agreement")
    code, out = cli(str(world.repo.path))
    assert code == 1
    assert "agreements/other.yaml" in out and "no longer" in out


def test_an_agreement_deleted_by_the_branch_is_reported_not_gated(world: World) -> None:
    world.repo.write("agreements/other.yaml", world.repo.read(AGREEMENT).replace(AGREEMENT_ID, NEW_ID))
    world.repo.commit("A second agreement")
    on_branch(world)
    world.repo.rm("agreements/other.yaml")
    world.repo.commit("Retire the second agreement")
    fully_approved_on_main(world)
    code, out = cli(str(world.repo.path))
    assert code == 0
    assert "agreements/other.yaml: deleted in this branch" in out


# ------------------------------------------------------------ 6. the CLI


def test_cli_exit_0_only_when_every_stage_holds_and_it_names_what_it_used(world: World) -> None:
    on_branch(world)
    world.repo.mv(AGREEMENT, "agreements/it-hr-fy2027.yaml")
    world.repo.commit("Rename")
    new = world.repo.file("agreements/it-hr-fy2027.yaml")
    digest = digest_of(new)
    for stage in STAGES[:-1]:
        world.approve(APPROVER[stage], stage, digest=digest)
    code, out = cli(str(world.repo.path))
    assert code == 1
    assert f"  base     {AGREEMENT} at main (renamed)" in out
    assert "  roster   slactl.yaml at main" in out
    world.approve("robert", "signature", digest=digest)
    code, out = cli(str(world.repo.path))
    assert code == 0, out
    code, out = cli(str(world.repo.path), "--format", "json")
    data = json.loads(out)
    assert data["ok"] is True
    [agreement] = data["agreements"]
    assert agreement["base_counterparts"] == [f"{AGREEMENT} at main (renamed)"]
    assert agreement["roster"] == "slactl.yaml at main"


def test_judge_stages_is_the_one_judging_function(world: World) -> None:
    world.approve("laura", "legal")
    stages = approvals.judge_stages(world.path, base="main", require_signed=True)
    assert [s.stage for s in stages] == list(STAGES)
    assert stage_of_tuple(stages, "legal").state == "approved"


def stage_of_tuple(stages: tuple[approvals.StageStatus, ...], name: str) -> approvals.StageStatus:
    return next(s for s in stages if s.stage == name)


def test_gitio_empty_commits_and_ancestry_order(world: World) -> None:
    from slactl import git as gitio

    root = world.repo.head()
    late = world.repo.commit("Empty, dated late", allow_empty=True, date=datetime(2030, 1, 1, tzinfo=UTC))
    early = world.repo.commit("Empty, dated early", allow_empty=True, date=datetime(2000, 1, 1, tzinfo=UTC))
    world.repo.write("x.txt", "x\n")
    change = world.repo.commit("A change")
    assert gitio.empty_commits(world.repo.path, [root, late, early, change]) == {late, early}
    order = [sha for sha, _ in gitio.ancestry(world.repo.path)]
    assert order == [change, early, late, root]  # children first, whatever the dates say
