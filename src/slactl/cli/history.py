"""`slactl history` and `slactl diff`: the negotiation as Git recorded it (output in slactl.reporters)."""

from __future__ import annotations

import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from slactl.cli import write_stdout
from slactl.cli.app import Color, ColorOption, command


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class DiffFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"  # the redline


@command(
    summary="Show every revision of an agreement and what it changed.",
    epilog=(
        "slactl history agreements/its-fy2027.yaml\n"
        "slactl history agreements/its-fy2027.yaml -f markdown --base origin/main"
    ),
)
def history(
    path: Annotated[Path, typer.Argument(help="The agreement (or catalog) file.")],
    *,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", metavar="FORMAT", help="Output: text, json or markdown.")
    ] = Format.text,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", help="Worker processes for parsing (default: all cores).", min=1)
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Parse every revision again; do not read or write the cache.")
    ] = False,
    allowed_signers: Annotated[
        Path | None,
        typer.Option(
            "--allowed-signers",
            help="SSH allowed signers file for checking approval signatures (default: written from the roster).",
        ),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="REV",
            help="Judge approvals by the roster (slactl.yaml) and the stages' roles at this revision, "
            "e.g. origin/main, not the work tree's.",
        ),
    ] = None,
    color: ColorOption = Color.auto,
) -> None:
    """Every revision of an agreement (following renames), newest first, with what changed in business terms.

    Approvals are shown above the revision they approved: the roster person their signature
    proves (an unsigned one only as the author's claim), whether that person holds a role
    of the stage, and whether their digest matches that revision; a revision that did not
    validate is shown with its first findings.
    """
    from slactl import git as gitio
    from slactl.cli.progress import progress_bar
    from slactl.errors import SlactlError
    from slactl.history import file_history

    repo = gitio.find_repo(path)
    if repo is None:
        raise SlactlError("not inside a git work tree", path=str(path), hint="history reads the file's commits")
    if base is not None:
        base = base.strip()
        gitio.resolve(repo, base)  # an unknown base is a usage error, not an empty roster
    with tempfile.TemporaryDirectory(prefix="slactl-signers-") as tmp:
        from slactl.approvals import roster_for, write_roster_signers

        roster = roster_for(repo, path, base)
        if allowed_signers is None:
            allowed_signers = write_roster_signers(roster, Path(tmp) / "allowed_signers")
        with progress_bar("Reading revisions") as bar:
            hist = file_history(
                repo,
                gitio.rel_path(repo, path),
                jobs=jobs,
                use_cache=not no_cache,
                allowed_signers=allowed_signers,
                progress=bar,
                roster=roster,
                base=base,
            )
    from slactl.reporters.history import HISTORY_REPORTERS, history_text
    from slactl.reporters.terminal import colour_wanted

    if fmt is Format.text:
        history_text(hist, sys.stdout, colour=colour_wanted(color.value, sys.stdout))
    else:
        HISTORY_REPORTERS[fmt.value](hist, sys.stdout)


def _split_args(args: list[str]) -> tuple[Path, list[str], list[str]]:
    """``[REV_A [REV_B]] [PATH...]``: leading arguments that name commits and no file are revisions."""
    from slactl import git as gitio
    from slactl.errors import SlactlError

    start = Path.cwd()
    repo = gitio.find_repo(start) or next((r for a in args if (r := gitio.find_repo(Path(a))) is not None), None)
    if repo is None:
        raise SlactlError("not inside a git work tree", path=str(start), hint="run slactl diff inside the repository")
    revs: list[str] = []
    for arg in args[:2]:
        if Path(arg).exists() or len(revs) == len(args):
            break
        try:
            gitio.resolve(repo, arg)
        except gitio.GitError:
            break
        revs.append(arg)
    paths = [gitio.rel_path(repo, Path(a)) for a in args[len(revs) :]]
    return repo, revs, paths


@command(
    summary="Show what changed in the agreements between two revisions.",
    epilog=(
        "slactl diff                         # what this branch changes\n"
        "slactl diff v1.0 HEAD agreements/its-fy2027.yaml\n"
        "slactl diff origin/main -f markdown > comment.md\n"
        "slactl diff origin/main --format html -o redline.html"
    ),
)
def diff(
    args: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[REV_A [REV_B]] [PATH...]",
            help="Revisions (default: the merge base with the default branch, and the working tree) and files "
            "(default: every slactl file changed between them).",
        ),
    ] = None,
    *,
    fmt: Annotated[
        DiffFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="Output: text, json, markdown (a pull-request comment) or html (a redline of the documents).",
        ),
    ] = DiffFormat.text,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 1 when the terms changed.")] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the html redline to this file ('-': standard output).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a file at -o that is not an earlier redline, or a symlink.")
    ] = False,
) -> None:
    """What changed in the agreements between two revisions, field by field, in business terms.

    With no revision: what a pull request changes (the merge base of HEAD with the default
    branch against the working tree). With one: that revision against the working tree.
    Changes are marked as in the customer's or the provider's favour where that is clear.
    With --format html: both revisions rendered as documents, insertions and deletions marked
    section by section, under the same summary (a page for reviewers who do not read YAML).
    """
    from slactl.errors import SlactlError
    from slactl.history import diff_revisions

    if output is not None and fmt is not DiffFormat.html:
        raise SlactlError("-o/--output is for --format html", hint="redirect the other formats: > file")
    repo, revs, paths = _split_args(list(args or []))
    report = diff_revisions(repo, revs[0] if revs else None, revs[1] if len(revs) > 1 else None, paths)
    if fmt is DiffFormat.html:
        from slactl.redline import REDLINE_OWNER, redline_html

        data = redline_html(report, repo)
        if output is None or str(output) == "-":
            write_stdout(data)
            sys.stdout.flush()
        else:
            from slactl.safewrite import write_file

            write_file(output, data, owner=REDLINE_OWNER, force=force)
            typer.echo(f"wrote {output}", err=True)
        raise typer.Exit(1 if exit_code and report.has_changes else 0)
    from slactl.reporters.diff import DIFF_REPORTERS

    DIFF_REPORTERS[fmt.value](report, sys.stdout)
    raise typer.Exit(1 if exit_code and report.has_changes else 0)
