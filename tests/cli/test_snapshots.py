"""Snapshot tests: the exact stdout, stderr and exit code of every command, run as a user runs it.

Each case runs ``python -m slactl ARGS`` in a fresh process, with a pinned environment
(no colour or CI variables, 80 columns, a fixed time zone, ``HOME`` in tmp, pinned git
identities and dates), in one of the folders the module fixture builds under tmp:

- ``examples/``: a copy of the bundled examples and their sample data (not a git repository);
- ``broken/``: the same with findings put in (two schema errors, a vague wording);
- ``repo/`` (branch ``main``) and ``feature/`` (a worktree on branch ``feature``): a git
  repository with a roster, one agreement (renamed, edited, once invalid) and approvals made
  by ``slactl approve``, signed with the fixed SSH keys of ``tests/snapshots/keys/`` (made by
  ssh-keygen for these tests only; Ed25519 signatures are deterministic, so every commit id
  is the same on every machine).

The result of a case is compared with ``tests/snapshots/<command>/<case>.txt``: the command
line, the exit code, then stdout and stderr byte for byte. The tmp folder is the only thing
replaced (by ``<tmp>``, in :func:`normalise`).

When a change of output is intended, update the snapshots and review the diff::

    UPDATE_SNAPSHOTS=1 python -m pytest tests/cli/test_snapshots.py
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gitrepo import GitRepo, SshKey, git_test_env
from helpers_validate import without_clauses

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots"
KEYS = SNAPSHOTS / "keys"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"

AGREEMENT = "agreements/fy2027/it-hr-support.yaml"
TODAY = "2026-11-01"
# Variables that change what a command prints, whatever the machine running the tests has set.
UNPINNED = ("NO_COLOR", "FORCE_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "CI", "GITHUB_ACTIONS", "TERM", "COLUMNS", "LINES")
UNPINNED += ("SOURCE_DATE_EPOCH", "PYTHONWARNINGS")
# Not UTC, so that a command that starts printing local time shows up; a POSIX rule needs no tzdata.
TZ = "EST5EDT,M3.2.0,M11.1.0"
ROSTER = """\
fiscal_year_start: '10-01'
roles: [management, legal, signatory]
people:
  - name: Alex Romero
    email: alex.romero@lakeside.example.org
    roles: [management]
    ssh_keys: ['{alex}']
  - name: Laura Stein
    email: laura.stein@lakeside.example.org
    roles: [legal]
    ssh_keys: ['{laura}']
  - name: Robert Chen
    email: robert.chen@lakeside.example.org
    roles: [management, signatory]
    ssh_keys: ['{robert}']
"""
COMMANDS = ("validate", "render", "history", "diff", "report", "credits", "approve", "status", "renew")
COMMANDS += ("schema", "new", "init", "explain-rule", "export", "explain", "list", "obligations", "site", "graph")


@dataclass(frozen=True)
class Case:
    """One run: ``slactl *args`` in the folder ``where``; its snapshot is ``<command>/<name>.txt``."""

    command: str
    name: str
    where: str
    args: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.command}/{self.name}"


def case(name: str, where: str, *args: str) -> Case:
    return Case(args[0], name, where, args)


# --------------------------------------------------------------------------- the cases

CEC = "cec-fy2027-rural-lending"
FORMATS = ("text", "json", "github", "sarif")
VALIDATE = [
    case(f"{what}-{fmt}", where, "validate", "--format", fmt, path)
    for fmt in FORMATS
    for what, where, path in (
        ("clean-file", "examples", "it-hr-support-fy2027.yaml"),
        ("findings-file", "broken", f"{CEC}.yaml"),
        ("clean-folder", "examples", "."),
        ("findings-folder", "broken", "."),
    )
]
# name, period, as-of, data files (the sample data covers these periods; see tests/report/test_new_examples.py)
REPORTED = (
    (CEC, "FY2027", "2027-10-01", ("tickets", "outages", "surveys")),
    ("cloud-compute-public-sla", "2027-01-16..2027-04-15", "2027-05-01", ("outages", "charges")),
    ("lawyer-standard-sla", "2027-02", "2027-03-15", ("tickets",)),
    ("public-sector-es-support", "2027-01", "2027-02-15", ("tickets",)),
)
REPORT = [
    case(
        f"{name}-{fmt}",
        "examples",
        "report",
        f"{name}.yaml",
        *(arg for kind in files for arg in (f"--{kind}", f"data/{name}/{kind}.csv")),
        *("--period", period, "--as-of", as_of, "--format", fmt),
    )
    for name, period, as_of, files in REPORTED
    for fmt in ("md", "json", "html")
    if fmt != "html" or name == CEC
]
REPORT.append(case("verify-not-a-pack", "examples", "report", "--verify", "data"))
CREDITS = [
    case("availability", "examples", "credits", f"{CEC}.yaml", "--service-level", "hosting-availability",
         "--availability", "99.62"),
    case("attainment-fee", "examples", "credits", f"{CEC}.yaml", "--service-level", "desk-p1-resolution",
         "--attainment", "80", "--fee", "12000"),
    case("no-schedule", "examples", "credits", f"{CEC}.yaml", "--service-level", "desk-p1-response",
         "--attainment", "80"),
    case("wrong-metric", "examples", "credits", f"{CEC}.yaml", "--service-level", "desk-p1-response",
         "--availability", "99"),
]  # fmt: skip
GIT = [
    *(case(fmt, "repo", "history", "--format", fmt, AGREEMENT) for fmt in ("text", "json", "markdown")),
    *(case(f"draft-main-{fmt}", "repo", "diff", "-f", fmt, "draft", "main") for fmt in ("text", "json", "markdown")),
    case("draft-main-html", "repo", "diff", "-f", "html", "draft", "main"),
    case("main-feature", "feature", "diff", "main", "feature"),
    case("text", "repo", "status", "--today", TODAY),
    case("json", "repo", "status", "--today", TODAY, "--format", "json"),
    case("require-signed", "repo", "status", "--today", TODAY, "--require-signed", AGREEMENT),
    case("base-text", "feature", "status", "--today", TODAY, "--require-signed", "--base", "main"),
    case("base-json", "feature", "status", "--today", TODAY, "--require-signed", "--base", "main", "-f", "json"),
    case("md", "repo", "render", AGREEMENT, "--format", "md", "-o", "-"),
    case("html", "repo", "render", AGREEMENT, "--format", "html", "-o", "-"),
]
# the runs of `slactl approve` that build_repo makes, in order
APPROVALS = ("signed", "signed-again", "signed-note", "unsigned", "refused-unsigned", "refused-not-in-roster")
APPROVALS += ("signed-on-feature",)
HELP = [Case(command, "help", "examples", (command, "--help")) for command in COMMANDS]
HELP.append(Case("slactl", "help", "examples", ("--help",)))
CASES = [*VALIDATE, *REPORT, *CREDITS, *GIT, *HELP]


# --------------------------------------------------------------------------- running and comparing


def normalise(text: str, tmp: Path) -> str:
    """What cannot be the same on two runs: the tmp folder (also as the OS resolves it)."""
    for form in {str(tmp.resolve()), str(tmp)}:
        text = text.replace(form, "<tmp>")
    return text


def snapshot_text(args: tuple[str, ...], where: str, proc: subprocess.CompletedProcess[bytes], tmp: Path) -> str:
    """A run as the snapshot file holds it: command, exit code, stdout and stderr verbatim."""

    def block(name: str, data: bytes) -> str:
        text = normalise(data.decode("utf-8"), tmp)
        end = "" if text.endswith("\n") or not text else "\n[no newline at the end]\n"
        return f"----- {name} -----\n{text}{end}"

    head = f"$ cd {where} && slactl {shlex.join(args)}\nexit code: {proc.returncode}\n"
    return head + block("stdout", proc.stdout) + block("stderr", proc.stderr)


def check_snapshot(relpath: str, actual: str) -> None:
    """Compare with the snapshot file (write it instead under UPDATE_SNAPSHOTS=1)."""
    path = SNAPSHOTS / relpath
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != actual.encode("utf-8"):
            path.write_bytes(actual.encode("utf-8"))
        return
    assert path.exists(), f"no snapshot {relpath}: run UPDATE_SNAPSHOTS=1 python -m pytest {Path(__file__).name}"
    expected = path.read_bytes().decode("utf-8")
    assert actual == expected, f"output differs from tests/snapshots/{relpath}"


@dataclass
class World:
    """The folders of the cases, the pinned environment, and the runs made while building them."""

    tmp: Path
    env: dict[str, str]
    folders: dict[str, Path] = field(default_factory=dict)
    made: dict[str, str] = field(default_factory=dict)  # snapshot path -> text, for `approve`

    def run(self, where: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "slactl", *args],
            cwd=self.folders[where],
            env={**self.env, **(env or {})},
            capture_output=True,
            timeout=600,
            check=False,
        )

    def snapshot(self, case: Case) -> str:
        return snapshot_text(case.args, case.where, self.run(case.where, *case.args), self.tmp)


# --------------------------------------------------------------------------- building the world


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact, unique piece of a file (fails loudly when the example changed)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not unique in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def copy_examples(target: Path) -> Path:
    shutil.copytree(EXAMPLES, target, ignore=shutil.ignore_patterns("generate.py", "__pycache__"))
    (target / ".git").mkdir()  # stops the search for slactl.yaml, as in a repository
    return target


def build_repo(world: World, keys: dict[str, Path]) -> None:
    """main: add, rename, approve, edit, break, fix, approve; feature: raise a target, approve."""
    repo = GitRepo(world.tmp / "repo", world.env)
    world.folders["repo"] = repo.path
    public = {name: (path.parent / f"{name}.pub").read_text(encoding="utf-8").strip() for name, path in keys.items()}
    repo.write("slactl.yaml", ROSTER.format(**public))
    hr = without_clauses((EXAMPLES / "it-hr-support-fy2027.yaml").read_text(encoding="utf-8"))
    repo.write("agreements/it-hr.yaml", hr)  # the approval scenario, without the clause library
    repo.commit("Add the IT/HR agreement and the roster")
    repo.git("tag", "draft")
    repo.mv("agreements/it-hr.yaml", AGREEMENT)
    repo.commit("Move the agreement into its fiscal year")

    def approve(name: str, who: str, stage: str, *extra: str, where: str = "repo") -> None:
        when = repo.next_date().strftime("%Y-%m-%dT%H:%M:%S+0000")
        env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        if who in keys:
            repo.config("gpg.format", "ssh")
            repo.config("user.signingkey", str(keys[who]))
        args = ("approve", AGREEMENT, "--stage", stage, *extra)
        world.made[f"approve/{name}.txt"] = snapshot_text(args, where, world.run(where, *args, env=env), world.tmp)

    path = repo.file(AGREEMENT)
    approve("signed", "alex", "management-initial", "--sign")
    edit(path, "notice: 30 days", "notice: 45 days")
    repo.commit("Longer termination notice")
    edit(path, "target: 99.5%", "target: 99.5")
    repo.commit("Typo in the HRIS target")
    edit(path, "target: 99.5\n", "target: 99.5%\n")
    repo.commit("Fix the HRIS target")
    approve("signed-again", "alex", "management-initial", "--sign")
    approve("signed-note", "laura", "legal", "--sign", "-m", "Reviewed the termination clause.")
    robert = {"GIT_AUTHOR_NAME": "Robert Chen", "GIT_AUTHOR_EMAIL": "robert.chen@lakeside.example.org"}
    world.env.update(robert)
    approve("unsigned", "nobody", "management-final", "--no-sign", "--allow-unsigned")
    approve("refused-unsigned", "nobody", "signature", "--no-sign")
    approve("refused-not-in-roster", "mallory", "management-final", "--sign")
    for key in robert:
        world.env[key] = git_test_env(world.tmp / "home")[key]
    # Mallory's key is not the roster's: `slactl approve` refuses it, so she commits by hand.
    digest = repo.git("log", "-1", "--format=%(trailers:key=Slactl-Digest,valueonly)").strip()
    message = "Approve it-hr-support-fy2027: management-final\n\nSlactl-Agreement: it-hr-support-fy2027\n"
    message += f"Slactl-Approval: management-final\nSlactl-Digest: {digest}\n"
    mallory = "Mallory Mole <mallory@evil.example.com>"
    key = SshKey(keys["mallory"], public["mallory"])
    repo.commit(message, add_all=False, allow_empty=True, author=mallory, committer=mallory, sign_with=key)

    repo.git("worktree", "add", "-q", "-b", "feature", str(world.tmp / "feature"), "main")
    feature = GitRepo(world.tmp / "feature", world.env, init=False)
    world.folders["feature"] = feature.path
    edit(feature.file(AGREEMENT), "target: 99.5%", "target: 99.9%")
    feature.commit("Raise the HRIS availability target", date=repo.next_date())
    approve("signed-on-feature", "laura", "legal", "--sign", where="feature")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    tmp = tmp_path_factory.mktemp("snapshots")
    env = {k: v for k, v in git_test_env(tmp / "home").items() if k not in UNPINNED and not k.startswith("SLACTL")}
    env.update({"COLUMNS": "80", "PYTHONIOENCODING": "utf-8", "TZ": TZ})
    (tmp / "home").mkdir()
    world = World(tmp, env)
    world.folders["examples"] = copy_examples(tmp / "examples")
    broken = world.folders["broken"] = copy_examples(tmp / "broken")
    edit(broken / f"{CEC}.yaml", "  end: 2027-09-30", "  end: 2027-09-31")
    edit(broken / f"{CEC}.yaml", "    target: 4h\n    attainment: 95%\n", "    target: 4h\n    attainment: 95\n")
    edit(broken / "it-hr-support-fy2027.yaml", "access for each new hire.", "access for each new hire, best effort.")
    return world


@pytest.fixture(scope="module")
def git_world(world: World) -> World:
    """``world`` with its git repository (``repo/``, ``feature/``): signing needs ssh-keygen."""
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed: the approvals are SSH-signed")
    keys = {}
    for public in sorted(KEYS.glob("*.pub")):
        private = world.tmp / "keys" / public.stem
        private.parent.mkdir(exist_ok=True)
        shutil.copy(public.with_suffix(""), private)
        shutil.copy(public, private.with_name(public.name))
        private.chmod(0o600)  # ssh-keygen refuses a private key others can read; git does not keep modes
        keys[public.stem] = private
    build_repo(world, keys)
    return world


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_output_is_unchanged(request: pytest.FixtureRequest, world: World, case: Case) -> None:
    if case.where in ("repo", "feature"):
        request.getfixturevalue("git_world")
    check_snapshot(f"{case.id}.txt", world.snapshot(case))


@pytest.mark.parametrize("name", APPROVALS)
def test_approve_output_is_unchanged(git_world: World, name: str) -> None:
    """`slactl approve` as the fixture ran it to make the repository's approvals."""
    world = git_world
    assert sorted(world.made) == sorted(f"approve/{n}.txt" for n in APPROVALS)
    check_snapshot(f"approve/{name}.txt", world.made[f"approve/{name}.txt"])


def test_history_is_the_same_from_the_cache(git_world: World) -> None:
    """A second run reads what the first one cached: the output must not change."""
    world = git_world
    first = world.snapshot(case("text", "repo", "history", "--format", "text", AGREEMENT))
    again = world.snapshot(case("text", "repo", "history", "--format", "text", AGREEMENT))
    uncached = world.snapshot(case("text", "repo", "history", "--no-cache", "--format", "text", AGREEMENT))
    assert first == again == uncached.replace(" --no-cache", "")


def test_every_command_has_a_help_snapshot(world: World) -> None:
    """The list of commands in `slactl --help` is the list of commands whose help is pinned."""
    text = world.run("examples", "--help").stdout.decode("utf-8")
    listed = [line.split()[0] for line in text.partition("Commands:")[2].splitlines() if line.startswith("  ")]
    assert sorted(listed) == sorted(COMMANDS)


def test_no_snapshot_is_left_over() -> None:
    """A snapshot file whose case was renamed or removed would otherwise pin nothing, unnoticed."""
    expected = {f"{c.id}.txt" for c in CASES} | {f"approve/{name}.txt" for name in APPROVALS}
    found = {p.relative_to(SNAPSHOTS).as_posix() for p in SNAPSHOTS.rglob("*.txt")}
    assert found == expected
