"""The trust rules of approvals, one test each: every test is an attack that must fail.

Real temporary repositories, real SSH keys made by ssh-keygen, real signed commits; the
roster (slactl.yaml) lists Alex (management), Laura (legal) and Robert (management,
signatory). Mallory has a key of her own and is in no roster, unless an attack puts her there.
"""

from __future__ import annotations

import re

import pytest

from gitrepo import GitRepo
from slactl import approvals
from test_approvals import AGREEMENT_ID, PEOPLE, World, edit, roster_yaml, setup_world, stage_of


@pytest.fixture
def world(git_repo: GitRepo) -> World:
    return setup_world(git_repo)


# Rule: the approver is who the verified signature says, never the author, committer or message.


def test_author_of_a_legal_person_on_an_unsigned_commit_is_not_laura(world: World) -> None:
    laura = "Laura Stein <laura.stein@lakeside.example.org>"
    msg = approvals.approval_message(AGREEMENT_ID, "legal", world.digest()) + "Signed-off-by: " + laura + "\n"
    world.repo.commit(msg, add_all=False, allow_empty=True, author=laura, committer=laura)
    strict = stage_of(world.status(require_signed=True), "legal")
    assert strict.state == "rejected" and strict.decisive is not None
    assert strict.decisive.reason is not None and "unsigned" in strict.decisive.reason
    loose = stage_of(world.status(), "legal").decisive
    assert loose is not None and loose.person is None and not loose.verified  # at most "unverified", never Laura


def test_author_of_a_legal_person_on_a_commit_signed_by_another_key_is_rejected(world: World) -> None:
    msg = approvals.approval_message(AGREEMENT_ID, "legal", world.digest())
    laura = "Laura Stein <laura.stein@lakeside.example.org>"
    world.repo.commit_empty_signed(msg, world.keys["mallory"], author=laura)
    legal = stage_of(world.status(), "legal")
    assert legal.state == "rejected" and legal.decisive is not None
    assert legal.decisive.person is None
    assert legal.decisive.reason is not None
    assert world.keys["mallory"].fingerprint() in legal.decisive.reason and "not in the roster" in legal.decisive.reason


# Rule: with --base the roster comes from that revision; a change cannot add its own key.


def test_pull_request_adding_its_own_key_to_the_roster_does_not_count_with_base(world: World) -> None:
    world.repo.branch("pr")
    world.repo.checkout("pr")
    people = {**PEOPLE, "mallory": ("Mallory Mole", "mallory@evil.example.com", ["legal"])}
    world.repo.write("slactl.yaml", roster_yaml(world.keys, people))
    world.repo.commit("Add a reviewer")
    world.approve("mallory", "legal")
    # without --base the pull request's own roster would vouch for Mallory...
    assert stage_of(world.status(require_signed=True), "legal").state == "approved"
    # ...with the protected base branch's roster she is nobody
    legal = stage_of(world.status(require_signed=True, base="main"), "legal")
    assert legal.state == "rejected" and legal.decisive is not None
    assert legal.decisive.reason is not None and "not in the roster (slactl.yaml at main)" in legal.decisive.reason


def test_pull_request_redirecting_the_roster_file_does_not_count_with_base(world: World) -> None:
    world.repo.branch("pr")
    world.repo.checkout("pr")
    people = {"mallory": ("Mallory Mole", "mallory@evil.example.com", ["legal"])}
    world.repo.write("mine.yaml", "people:" + roster_yaml(world.keys, people).split("people:", 1)[1])
    world.repo.write("slactl.yaml", "roster: mine.yaml\n")
    world.repo.commit("Use my roster")
    world.approve("mallory", "legal")
    assert stage_of(world.status(require_signed=True, base="main"), "legal").state == "rejected"


def test_pull_request_widening_a_stages_roles_does_not_count_with_base(world: World) -> None:
    world.repo.branch("pr")
    world.repo.checkout("pr")
    edit(world, "{stage: legal, roles: [legal]", "{stage: legal, roles: [legal, management]")
    world.approve("alex", "legal")  # Alex is management: the pull request made that enough
    assert stage_of(world.status(require_signed=True), "legal").state == "approved"
    legal = stage_of(world.status(require_signed=True, base="main"), "legal")
    assert legal.state == "rejected" and legal.roles == ("legal",)


def test_pull_request_dropping_a_stage_still_needs_it_with_base(world: World) -> None:
    world.repo.branch("pr")
    world.repo.checkout("pr")
    edit(world, "    - {stage: legal, roles: [legal], approvers: [Laura Stein]}\n", "")
    assert "legal" not in [s.stage for s in world.status().stages]
    assert stage_of(world.status(base="main"), "legal").state == "missing"


# Rule: an approval counts only in the ancestry of the revision checked.


def test_approval_on_an_unmerged_side_branch_does_not_count(world: World) -> None:
    world.repo.branch("side")
    world.repo.checkout("side")
    world.approve("laura", "legal")
    world.repo.checkout("main")
    assert stage_of(world.status(), "legal").state == "missing"


# Rule: an approval counts only for its agreement id.


@pytest.mark.parametrize("other_id", ["it-hr-support-fy2026", "cec-fy2027-rural-lending"])
def test_approval_for_another_agreement_id_with_our_digest_does_not_count(world: World, other_id: str) -> None:
    world.approve("laura", "legal", agreement=other_id)
    assert stage_of(world.status(), "legal").state == "missing"


# Rule: an approval counts only for the digest it names.


def test_approval_naming_the_digest_of_old_content_does_not_count_for_new(world: World) -> None:
    old = world.digest()
    edit(world, "target: 2h", "target: 8h", "Slower P2 response")
    world.approve("laura", "legal", digest=old)  # a fresh signature, but on the old content
    legal = stage_of(world.status(require_signed=True), "legal")
    assert legal.state == "stale" and legal.decisive is not None
    [change] = legal.decisive.changed
    assert change == "Service levels › help-desk-p2-response › Target: 2 business hours → 8 business hours"


def test_approval_naming_a_made_up_digest_does_not_count(world: World) -> None:
    world.approve("laura", "legal", digest="sha256:" + "0" * 64)
    legal = stage_of(world.status(), "legal")
    assert legal.state == "stale" and legal.decisive is not None
    assert "matches no committed version" in legal.decisive.changed[0]


def test_rewriting_the_digest_of_a_signed_approval_breaks_its_signature(world: World) -> None:
    old = world.digest()
    world.approve("laura", "legal")  # Laura approved the old content
    edit(world, "target: 2h", "target: 8h", "Slower P2 response")
    new = world.digest()
    # Mallory copies Laura's signed approval commit with the digest swapped for the new content
    approval = world.repo.rev("HEAD~1")
    raw = world.repo.git("cat-file", "commit", approval)
    forged_body = raw.replace(old, new) + "\n"
    forged_body = re.sub(r"^tree [0-9a-f]+$", f"tree {world.repo.rev('HEAD^{tree}')}", forged_body, count=1, flags=re.M)
    forged_body = re.sub(r"^parent [0-9a-f]+$", f"parent {world.repo.head()}", forged_body, count=1, flags=re.M)
    forged = world.repo.git("hash-object", "-t", "commit", "-w", "--stdin", input=forged_body)
    world.repo.git("reset", "-q", "--hard", forged)
    legal = stage_of(world.status(), "legal")
    judged = {j.record.commit: j for j in (legal.decisive, *legal.others) if j is not None}
    assert judged[forged].state == "rejected"
    assert judged[forged].reason is not None and "bad signature" in judged[forged].reason
    assert legal.state == "stale"  # only Laura's real approval of the old content is left


# Rule: editing content makes an approval stale; reformatting and comments do not.


def test_editing_content_after_approval_makes_it_stale(world: World) -> None:
    world.approve("laura", "legal")
    edit(world, 'unit_price: "38.00"', 'unit_price: "39.00"', "Raise the help desk price")
    assert stage_of(world.status(), "legal").state == "stale"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("target: 2h", "target: 120 minutes"),  # another spelling of the same duration
        ('amount: "19,152.00"', "amount: 19152"),  # another spelling of the same amount
        ("\nneeds:\n", "\n# Needs, as surveyed in August.\nneeds:\n"),  # a comment
        ("labels: {department: human-resources}", "labels:\n    department: human-resources"),  # block style
    ],
)
def test_reformatting_or_comments_after_approval_keep_it(world: World, old: str, new: str) -> None:
    world.approve("laura", "legal")
    edit(world, old, new, "Reformat")
    assert stage_of(world.status(require_signed=True), "legal").state == "approved"


# Rule: an unsigned approval is never counted under --require-signed.


def test_unsigned_approvals_never_count_under_require_signed(world: World) -> None:
    for stage in ("management-initial", "legal", "management-final", "signature"):
        world.approve(None, stage)
    status = world.status(require_signed=True)
    assert not status.complete and status.furthest is None
    assert {s.state for s in status.stages} == {"rejected"}


# Rule: a key not in the roster, or a person without the stage's role, is rejected with the reason.


def test_signature_by_a_key_not_in_the_roster_is_rejected_with_the_reason(world: World) -> None:
    world.approve("mallory", "legal")
    legal = stage_of(world.status(), "legal")
    assert legal.state == "rejected" and legal.decisive is not None
    assert legal.decisive.reason == (
        f"signed with SSH key {world.keys['mallory'].fingerprint()}, which is not in the roster (slactl.yaml)"
    )


def test_signature_by_a_person_without_the_stages_role_is_rejected_with_the_reason(world: World) -> None:
    world.approve("alex", "legal")  # Alex is management, not legal
    legal = stage_of(world.status(), "legal")
    assert legal.state == "rejected" and legal.decisive is not None
    assert legal.decisive.reason == "Alex Romero holds role management; stage legal needs legal"


# Rule (decided): stages are judged independently; "furthest stage reached" is the unbroken run.


def test_a_later_stage_approved_first_counts_but_does_not_move_the_furthest_stage(world: World) -> None:
    world.approve("robert", "management-final")
    world.approve("alex", "management-initial")
    status = world.status(require_signed=True)
    assert [s.state for s in status.stages] == ["approved", "missing", "approved", "missing"]
    assert status.furthest == "management-initial"
    world.approve("laura", "legal")
    assert world.status(require_signed=True).furthest == "management-final"


# Rule: only the final trailer block counts, so quoting trailers in a message approves nothing.


def test_trailers_quoted_in_the_body_of_a_signed_commit_do_not_approve(world: World) -> None:
    quoted = approvals.approval_message(AGREEMENT_ID, "legal", world.digest())
    msg = f"Explain how approvals look\n\n{quoted.split(chr(10), 2)[2]}\nThat is all.\n"
    world.repo.commit_empty_signed(msg, world.keys["laura"])
    assert stage_of(world.status(), "legal").state == "missing"


def test_pull_request_adding_the_first_roster_vouches_for_nobody_with_base(git_repo: GitRepo) -> None:
    world = setup_world(git_repo)
    world.repo.rm("slactl.yaml")
    world.repo.commit("No roster on main yet")
    world.repo.branch("pr")
    world.repo.checkout("pr")
    world.repo.write("slactl.yaml", roster_yaml(world.keys))
    world.repo.commit("Add a roster")
    world.approve("laura", "legal")
    status = world.status(base="main")
    assert status.roster_source == "slactl.yaml at main (not found: nobody may approve)"
    legal = stage_of(status, "legal")
    assert legal.state == "rejected" and legal.decisive is not None
    assert legal.decisive.reason is not None and "not in the roster" in legal.decisive.reason


def test_one_commit_claiming_two_stages_is_rejected_as_malformed(world: World) -> None:
    msg = approvals.approval_message(AGREEMENT_ID, "management-final", world.digest()) + "Slactl-Approval: signature\n"
    world.repo.commit_empty_signed(msg, world.keys["robert"])
    status = world.status()
    for name in ("management-final", "signature"):
        judged = stage_of(status, name).decisive
        assert judged is not None and judged.state == "rejected"
        assert judged.reason is not None and judged.reason.startswith("malformed approval: needs exactly one each")
