"""The first hour, run as a new user runs it (issue 12).

A fresh HOME with git configured to sign with an SSH key made here, an empty folder, and the
commands of docs/getting-started.md one by one as real processes: from `slactl init` to
`slactl status --require-signed` exit 0 on an approved agreement. The guide is generated from
this run (its commands and their exact output), so it cannot drift:
`UPDATE_DOCS=1 python -m pytest tests/cli/test_tour.py` rewrites it. The README's tour is the same
list of commands.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "getting-started.md"
README = ROOT / "README.md"
SLACTL_BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Step:
    say: str  # the guide's paragraph before the command
    command: str  # one shell line, run in the current folder of the tour
    code: int = 0  # the exit code it must give
    show: bool = True  # print its output in the guide


# The tour: what a new user types, in order. README's "A tour" block lists the same commands.
STEPS = [
    Step(
        "Make a folder an agreements repository. `init` runs `git init` (the folder is in no "
        "repository yet), writes the settings with you in the roster (your git name, e-mail and the "
        "SSH key git signs with), the JSON schemas, a pre-commit hook, a CI workflow and a "
        "`.gitignore` for rendered output.",
        "slactl init agreements-repo",
    ),
    Step("Work inside it from now on.", "cd agreements-repo", show=False),
    Step(
        "Start an agreement for fiscal year 2027. The id takes the term (`finance-desk-fy2027`), so "
        "next year's renewal is `finance-desk-fy2028`. At a terminal `new` asks for the provider, "
        "the customer and the title; here they are given.",
        'slactl new agreements/finance-desk.yaml --type customer --fiscal-year FY2027 --provider "City IT" '
        '--customer "Finance Department" --title "Finance Service Desk Agreement"',
    ),
    Step(
        "Check it. A new agreement validates at once; its TODO placeholders are warnings to fill in "
        "(`--strict` makes them errors, as CI may).",
        "slactl validate",
    ),
    Step(
        "Commit the draft: git keeps the negotiation history and the approvals.",
        'git add -A && git commit -q -m "Draft the finance desk agreement"',
        show=False,
    ),
    Step(
        "Render the document people read and sign (Markdown, HTML or PDF). `out/` is in `.gitignore`.",
        "slactl render agreements/ --format html --out-dir out/",
    ),
    Step(
        "Once the TODOs are filled in and the parties agree, each stage of the agreement's approvals is "
        "a signed, empty commit bound to the file's exact content (change the file and the approvals "
        "no longer count). You hold every role in the roster `init` wrote, so you approve each stage.",
        "slactl approve agreements/finance-desk.yaml --stage management-initial --sign",
    ),
    Step("", "slactl approve agreements/finance-desk.yaml --stage legal --sign"),
    Step("", "slactl approve agreements/finance-desk.yaml --stage internal-review --sign"),
    Step("", "slactl approve agreements/finance-desk.yaml --stage management-final --sign"),
    Step("", "slactl approve agreements/finance-desk.yaml --stage signature --sign"),
    Step(
        "The gate CI runs: exit 0 only when every stage holds, each approval signed by a key the "
        "roster lists for a person holding the stage's role.",
        "slactl status --require-signed",
    ),
    Step("Every revision and approval, in business terms.", "slactl history agreements/finance-desk.yaml"),
    Step(
        "Draft next year's term as a new file: the dates move, the approvals start again.",
        "slactl renew agreements/finance-desk.yaml --fiscal-year FY2028",
    ),
]


def tour_env(home: Path) -> dict[str, str]:
    keep = ("PATH", "LANG", "TMPDIR", "SYSTEMROOT")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        {
            "HOME": str(home),
            "PATH": f"{SLACTL_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CEILING_DIRECTORIES": str(home.parent),
            "LC_ALL": "C",
            "NO_COLOR": "1",
            "COLUMNS": "100",
            # one date for every commit, so the guide's output is the same each run
            "GIT_AUTHOR_DATE": "@1795000000 +0000",
            "GIT_COMMITTER_DATE": "@1795000000 +0000",
        }
    )
    return env


def configure_git(home: Path, env: dict[str, str]) -> None:
    """What the guide asks of a new user before the tour: an identity and an SSH signing key."""
    ssh = home / ".ssh"
    ssh.mkdir(parents=True)
    key = ssh / "id_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dana@laptop", "-f", str(key)], check=True, env=env
    )
    for name, value in (
        ("user.name", "Dana Whitfield"),
        ("user.email", "dana@example.org"),
        ("gpg.format", "ssh"),
        ("user.signingkey", str(key) + ".pub"),
        ("init.defaultBranch", "main"),
    ):
        subprocess.run(["git", "config", "--global", name, value], check=True, env=env)


def normalize(text: str, work: Path, home: Path) -> str:
    """Stable output: the tmp folders, commit ids, key fingerprints and digests written as placeholders."""
    text = text.replace(str(work), "~/work").replace(str(home), "~")
    text = re.sub(r"\b[0-9a-f]{40}\b", lambda m: m.group(0)[:7] + "…", text)
    text = re.sub(r"SHA256:[A-Za-z0-9+/]{43}", "SHA256:<your key's fingerprint>", text)
    text = re.sub(r"ssh-ed25519 AAAA[A-Za-z0-9+/=]+", "ssh-ed25519 AAAA…", text)
    text = re.sub(r"sha256:[0-9a-f]{12,64}…?", "sha256:<digest>", text)
    text = re.sub(r"\b(?=[0-9a-f]*[0-9])[0-9a-f]{7,12}\b", "<commit>", text)
    return text


def run_tour(tmp_path: Path) -> list[tuple[Step, str, int]]:
    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir()
    work.mkdir()
    env = tour_env(home)
    configure_git(home, env)
    cwd = work
    results = []
    for step in STEPS:
        if step.command.startswith("cd "):
            cwd = cwd / step.command[3:]
            results.append((step, "", 0))
            continue
        proc = subprocess.run(
            ["bash", "-c", step.command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
        )
        out = normalize(proc.stdout + proc.stderr, work, home)
        results.append((step, out, proc.returncode))
    return results


def guide(results: list[tuple[Step, str, int]]) -> str:
    lines = [
        "# Getting started: from an empty folder to a signed agreement",
        "",
        "<!-- Generated by tests/cli/test_tour.py from a real run; do not edit by hand. -->",
        "",
        "You need Python 3.11 or later, git 2.34 or later and OpenSSH. Install slactl (from a clone "
        "of its repository: `pip install .`), then tell git who you are and which SSH key signs your "
        "commits. Skip what you have already set up:",
        "",
        "```sh",
        'ssh-keygen -t ed25519 -C "dana@laptop" -f ~/.ssh/id_ed25519',
        'git config --global user.name "Dana Whitfield"',
        "git config --global user.email dana@example.org",
        "git config --global gpg.format ssh",
        "git config --global user.signingkey ~/.ssh/id_ed25519.pub",
        "```",
        "",
        "Then, in an empty folder:",
        "",
    ]
    for step, out, code in results:
        if step.say:
            lines += [step.say, ""]
        lines += ["```console", f"$ {step.command}"]
        if step.show and out.strip():
            lines += out.rstrip("\n").split("\n")
        if code:
            lines.append(f"(exit {code})")
        lines += ["```", ""]
    lines += [
        "From here: open a pull request for each change and let CI run `slactl validate` and "
        "`slactl status --require-signed --base <the target branch>` (the workflow `init` wrote "
        "runs the first); see [approvals](approvals.md) and [negotiation](negotiation.md).",
        "",
    ]
    return "\n".join(lines)


def test_the_tour_runs_and_the_guide_is_its_output(tmp_path: Path) -> None:
    results = run_tour(tmp_path)
    for step, out, code in results:
        assert code == step.code, f"$ {step.command}\n(exit {code})\n{out}"
    # Where the tour ends: an approved agreement and next year's draft.
    repo = tmp_path / "work" / "agreements-repo"
    assert (repo / "agreements" / "finance-desk-fy2028.yaml").is_file()
    assert (repo / ".gitignore").read_text().count("/out/") == 1
    text = guide(results)
    if os.environ.get("UPDATE_DOCS"):
        GUIDE.write_text(text)
    assert GUIDE.read_text() == text, "docs/getting-started.md is stale: UPDATE_DOCS=1 pytest tests/cli/test_tour.py"


def test_the_readme_tour_is_the_guides_commands() -> None:
    block = README.read_text().split("## A tour", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("  #", 1)[0].strip() for line in block.strip().splitlines()]
    expected = []
    for step in STEPS:
        if step.command.startswith("cd "):
            expected[-1] += f" && {step.command}"
        else:
            expected.append(step.command)
    assert commands == expected
