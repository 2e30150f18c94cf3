"""Every file a command writes: never through a symlink, never over a file slactl did not write.

Each test is an attack on the output of every command that writes (``render`` in each format and
with ``--out-dir``, ``report``, ``schema``, ``new``, ``init``, ``renew``, ``export``), run through the CLI:
a symlink planted at the output (to a file outside the folder, or dangling), a file of the user's,
a file that only claims to be slactl's, a symlink planted at a temporary name, a read-only folder.
``render``, ``report``, ``schema`` and ``export`` replace their own earlier output without ``--force`` (it
carries a stamp that binds the file's content); ``new``, ``init`` and ``renew`` never replace
anything without ``--force``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from slactl.cli import main
from slactl.errors import SlactlError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AGREEMENT = "it-hr-support-fy2027.yaml"
AGREEMENT_ID = "it-hr-support-fy2027"
REPORTED = "cec-fy2027-rural-lending.yaml"
TICKETS = "data/cec-fy2027-rural-lending/tickets.csv"
VICTIM = "victim: nobody may write here\n"
PLACEHOLDER_DIGEST = "0" * 64  # what a stamp holds before it is sealed
HAS_PDF = True
try:  # the optional slactl[pdf] extra
    import weasyprint  # type: ignore[import-untyped]  # noqa: F401
except (ImportError, OSError):
    HAS_PDF = False


@dataclass(frozen=True)
class Writer:
    """A command that writes one file: its arguments, and the file it writes."""

    name: str
    argv: Callable[[Path, Path], list[str]]  # (work folder, target) -> arguments
    target: str  # relative to the work folder
    replaces_own: bool  # replaces its own earlier output without --force


def _render(fmt: str) -> Callable[[Path, Path], list[str]]:
    return lambda work, target: ["render", str(work / AGREEMENT), "-f", fmt, "-o", str(target)]


def _report(fmt: str) -> Callable[[Path, Path], list[str]]:
    def argv(work: Path, target: Path) -> list[str]:
        return ["report", str(work / REPORTED), "--tickets", str(work / TICKETS), "--period", "2026-Q4",
                "--as-of", "2027-06-01", "-f", fmt, "-o", str(target)]  # fmt: skip

    return argv


# An agreement every export target holds in full (no term left unexpressed: exit 0).
CLEAN = """\
apiVersion: slactl/v1
kind: Agreement
metadata: {id: clean-uptime, title: Uptime Terms, type: customer, structure: service-based}
parties:
  provider: {name: Acme, organization: Acme Hosting Ltd, contacts: [{name: Jo Park, role: Service Manager}]}
  customer: {}
term: {start: 2027-01-01, end: 2027-12-31}
services: [{id: hosting, name: Web hosting, support_hours: always}]
calendars: {always: {timezone: Europe/London, hours: 24x7}}
service_levels:
  - {id: uptime, service: hosting, metric: availability, target: 99.9%, window: rolling, rolling_days: 30}
"""


def _export(target: str) -> Callable[[Path, Path], list[str]]:
    def argv(work: Path, out: Path) -> list[str]:
        (work / "clean.yaml").write_text(CLEAN)
        return ["export", "--to", target, str(work / "clean.yaml"), "-o", str(out.parent)]

    return argv


WRITERS = [
    Writer("render-md", _render("md"), "out/doc.md", True),
    Writer("render-html", _render("html"), "out/doc.html", True),
    pytest.param(
        Writer("render-pdf", _render("pdf"), "out/doc.pdf", True),
        marks=pytest.mark.skipif(not HAS_PDF, reason="the optional slactl[pdf] extra is not installed"),
    ),
    Writer(
        "render-out-dir",
        lambda work, target: ["render", str(work / AGREEMENT), "-f", "html", "--out-dir", str(target.parent)],
        f"out/{AGREEMENT_ID}.html",
        True,
    ),
    Writer("report-md", _report("md"), "out/report.md", True),
    Writer("report-html", _report("html"), "out/report.html", True),
    Writer("report-json", _report("json"), "out/report.json", True),
    Writer("schema", lambda _work, target: ["schema", "-o", str(target)], "out/agreement.schema.json", True),
    Writer("new", lambda _work, target: ["new", str(target), "--no-input"], "out/new.yaml", False),
    Writer("init", lambda _work, target: ["init", str(target.parent)], "out/slactl.yaml", False),
    Writer(
        "init-workflow",
        lambda _work, target: ["init", str(target.parents[2])],
        "out/.github/workflows/slactl.yml",
        False,
    ),
    Writer("renew", lambda work, target: ["renew", str(work / AGREEMENT), "-o", str(target)], "out/next.yaml", False),
    Writer("export-openslo", _export("openslo"), "out/clean-uptime.openslo.yaml", True),
    Writer("export-sloth", _export("sloth"), "out/clean-uptime.sloth.yaml", True),
]


def _id(value: object) -> str:
    return value.name if isinstance(value, Writer) else str(value)


@pytest.fixture
def work(tmp_path: Path, git_env: object) -> Path:  # noqa: ARG001 - git_env pins git's environment
    """A folder holding the example repository (outside git) and an empty outside folder with a victim."""
    folder = tmp_path / "work"
    folder.mkdir()
    for path in EXAMPLES.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    shutil.copytree(EXAMPLES / "data", folder / "data")
    shutil.copytree(EXAMPLES / "clauses", folder / "clauses")  # the library the examples' clauses come from
    (folder / "out").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "victim.txt").write_text(VICTIM)
    return folder


def victim(work: Path) -> Path:
    return work.parent / "outside" / "victim.txt"


def run(writer: Writer, work: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    target = work / writer.target
    target.parent.mkdir(parents=True, exist_ok=True)
    code = main([*writer.argv(work, target), *extra])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def is_regular(path: Path) -> bool:
    return stat.S_ISREG(path.lstat().st_mode)


def tree(folder: Path) -> dict[str, bytes | str]:
    """Everything under ``folder``: files by content, links by where they point."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            found[key] = "-> " + str(path.readlink())
        elif path.is_file():
            found[key] = path.read_bytes()
    return found


parametrize_writers = pytest.mark.parametrize("writer", WRITERS, ids=_id)


# --------------------------------------------------------------------------- symlinks at the output


@parametrize_writers
def test_symlink_to_an_outside_file_is_refused(writer: Writer, work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = work / writer.target
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(victim(work))
    code, out = run(writer, work, capsys)
    assert code == 2, out
    assert "symbolic link" in out and "--force" in out
    assert victim(work).read_text() == VICTIM
    assert target.is_symlink()


@parametrize_writers
def test_force_replaces_the_symlink_never_writes_through_it(
    writer: Writer, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = work / writer.target
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(victim(work))
    code, out = run(writer, work, capsys, "--force")
    assert code == 0, out
    assert victim(work).read_text() == VICTIM
    assert is_regular(target) and target.stat().st_size > 0


@parametrize_writers
@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_dangling_symlink_is_never_followed(
    writer: Writer, work: Path, capsys: pytest.CaptureFixture[str], force: bool
) -> None:
    target = work / writer.target
    target.parent.mkdir(parents=True, exist_ok=True)
    planted = work.parent / "outside" / "planted"
    target.symlink_to(planted)
    code, out = run(writer, work, capsys, *(["--force"] if force else []))
    assert not planted.exists() and not planted.is_symlink()
    if force:
        assert code == 0, out
        assert is_regular(target)
    else:
        assert code == 2, out
        assert "symbolic link" in out
        assert "wrote" not in out
        assert target.is_symlink()


# --------------------------------------------------------------------------- files already there


@parametrize_writers
def test_a_users_file_is_refused_and_replaced_with_force(
    writer: Writer, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = work / writer.target
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("my own notes\n")
    code, out = run(writer, work, capsys)
    assert code == 2, out
    assert "--force" in out and "wrote" not in out
    assert target.read_text() == "my own notes\n"
    code, out = run(writer, work, capsys, "--force")
    assert code == 0, out
    assert target.read_bytes() != b"my own notes\n" and is_regular(target)


def _claims() -> list[bytes]:
    """Files that mention slactl the way its outputs do, without being its output."""
    body = b"My own notes, not to be lost.\n"
    fake_digest = hashlib.sha256(body).hexdigest().encode()
    return [
        b"<!-- generated by slactl from " + AGREEMENT_ID.encode() + b": edit the YAML, not this file -->\n" + body,
        b'<meta name="generator" content="slactl report">\n<!-- generated by slactl report -->\n' + body,
        b'{"generator": "slactl report", "mine": true}\n',
        b"generated by slactl; sha256:" + fake_digest + b"\n" + body,
        body + b"<!-- generated by slactl report; sha256:" + PLACEHOLDER_DIGEST.encode() + b" -->\n",
        b"%PDF-1.7\n/ID [(generated by slactl from " + AGREEMENT_ID.encode() + b")]\n" + body,
    ]


@parametrize_writers
@pytest.mark.parametrize("claim", range(6))
def test_a_file_that_only_mentions_slactl_is_refused(
    writer: Writer, work: Path, capsys: pytest.CaptureFixture[str], claim: int
) -> None:
    target = work / writer.target
    target.parent.mkdir(parents=True, exist_ok=True)
    content = _claims()[claim]
    target.write_bytes(content)
    code, out = run(writer, work, capsys)
    assert code == 2, out
    assert target.read_bytes() == content


@parametrize_writers
def test_its_own_earlier_output(writer: Writer, work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from slactl.safewrite import stamp_of

    target = work / writer.target
    code, out = run(writer, work, capsys)
    assert code == 0, out
    first = target.read_bytes()
    code, out = run(writer, work, capsys)
    if writer.replaces_own:
        assert code == 0, out
        assert target.read_bytes() == first  # the same input gives the same bytes, stamp included
        assert stamp_of(first) is not None
    else:
        assert code == 2, out
        assert "--force" in out
    assert target.read_bytes() == first


@parametrize_writers
def test_its_own_output_edited_by_hand_is_refused(
    writer: Writer, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = work / writer.target
    code, out = run(writer, work, capsys)
    assert code == 0, out
    edited = target.read_bytes().replace(b"e", b"E", 1)
    assert edited != target.read_bytes()
    target.write_bytes(edited)
    code, out = run(writer, work, capsys)
    assert code == 2, out
    assert target.read_bytes() == edited


@parametrize_writers
def test_a_fifo_at_the_output_is_refused_without_reading_it(writer: Writer, work: Path) -> None:
    target = work / writer.target
    target.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(target)
    # A subprocess: a command that opened the FIFO to read it would wait for a writer forever.
    result = subprocess.run(
        [sys.executable, "-m", "slactl", *writer.argv(work, target)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert stat.S_ISFIFO(target.lstat().st_mode)


# --------------------------------------------------------------------------- temporary files


@parametrize_writers
def test_symlinks_at_predictable_temporary_names_do_not_matter(
    writer: Writer, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = work / writer.target
    target.parent.mkdir(parents=True, exist_ok=True)
    name = target.name
    planted = [f".{name}.slactl-tmp", f".{name}.tmp", f"{name}.tmp", f"{name}~", f".{name}.swp", f"{name}.part"]
    for link in planted:
        (target.parent / link).symlink_to(victim(work))
    before = {link: (target.parent / link).readlink() for link in planted}
    code, out = run(writer, work, capsys)
    assert code == 0, out
    assert victim(work).read_text() == VICTIM
    assert is_regular(target)
    assert {link: (target.parent / link).readlink() for link in planted} == before
    leftovers = [p.name for p in target.parent.iterdir() if p.name.startswith(".") and p.name not in planted]
    assert not [n for n in leftovers if name in n], leftovers  # no temporary file left behind


# --------------------------------------------------------------------------- a read-only folder


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` refuses new entries, for root too (root ignores permission bits: it gets the immutable flag)."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], capture_output=True, check=False).returncode:
        pytest.skip("running as root where the folder cannot be made immutable (chattr +i): it cannot be read-only")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


@parametrize_writers
def test_a_read_only_folder_is_a_clear_error(writer: Writer, work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = work / writer.target
    target.parent.mkdir(parents=True, exist_ok=True)
    with read_only(target.parent):
        code, out = run(writer, work, capsys)
        assert sorted(target.parent.iterdir()) == []
    assert code == 2, out
    assert "Traceback" not in out and "internal error" not in out
    assert re.search(r"cannot write", out), out
    assert str(target.parent) in out


# --------------------------------------------------------------------------- the stamp and the function


def test_the_stamp_binds_the_whole_content() -> None:
    from slactl.safewrite import placeholder, seal, stamp_of

    text = b"# title\n\nbody\n<!-- " + placeholder("report").encode() + b" -->\n"
    sealed = seal(text)
    assert stamp_of(sealed) == "report"
    assert PLACEHOLDER_DIGEST.encode() not in sealed
    assert stamp_of(text) is None  # an unsealed placeholder is no stamp
    for i in range(len(sealed)):
        changed = sealed[:i] + bytes([sealed[i] ^ 0x01]) + sealed[i + 1 :]
        assert stamp_of(changed) is None or changed == sealed, i
    assert stamp_of(sealed + b"appended\n") is None
    assert stamp_of(b"prepended\n" + sealed) is None


def test_render_stamp_names_the_agreement(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from slactl.safewrite import stamp_of

    out = work / "out" / "doc.md"
    assert main(["render", str(work / AGREEMENT), "-f", "md", "-o", str(out)]) == 0
    assert stamp_of(out.read_bytes()) == f"from {AGREEMENT_ID}"
    other = work / "northwind-colocation-fy2027.yaml"
    code = main(["render", str(other), "-f", "md", "-o", str(out)])
    assert code == 2
    assert f"generated by slactl from {AGREEMENT_ID}" in capsys.readouterr().err


def test_report_json_stays_json(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from slactl.safewrite import stamp_of

    writer = next(w for w in WRITERS if isinstance(w, Writer) and w.name == "report-json")
    code, out = run(writer, work, capsys)
    assert code == 0, out
    data = json.loads((work / writer.target).read_text())
    assert data["generator"] == "slactl report"
    assert stamp_of((work / writer.target).read_bytes()) == "report"


def test_schema_files_carry_the_stamp_in_comment(work: Path) -> None:
    from slactl.safewrite import stamp_of

    out = work / "out" / "s.json"
    assert main(["schema", "-o", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["$comment"].startswith("generated by slactl schema; sha256:")
    assert stamp_of(out.read_bytes()) == "schema"


def test_a_file_that_appears_meanwhile_is_not_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from slactl.safewrite import write_file

    target = tmp_path / "out.txt"
    real_open = os.open

    def racing_open(path: str, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        # The user's file is created right after slactl made its temporary file.
        fd = real_open(path, flags, mode, dir_fd=dir_fd)
        if flags & os.O_CREAT and not target.exists():
            target.write_text("mine\n")
        return fd

    monkeypatch.setattr(os, "open", racing_open)
    with pytest.raises(SlactlError, match="exists"):
        write_file(target, b"new\n")
    monkeypatch.undo()
    assert target.read_text() == "mine\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_folders_are_never_replaced(tmp_path: Path) -> None:
    from slactl.safewrite import write_file

    (tmp_path / "out").mkdir()
    with pytest.raises(SlactlError, match="folder"):
        write_file(tmp_path / "out", b"x", force=True)
    assert (tmp_path / "out").is_dir()


def test_a_symlinked_output_folder_is_followed(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The folder is the user's choice (documented); only the file name inside it is guarded."""
    site = work.parent / "outside" / "site"
    site.mkdir()
    (work / "site").symlink_to(site)
    code = main(["render", str(work / AGREEMENT), "-f", "md", "--out-dir", str(work / "site")])
    assert code == 0, capsys.readouterr().err
    assert is_regular(site / f"{AGREEMENT_ID}.md")


def test_new_files_get_the_usual_permissions(tmp_path: Path) -> None:
    from slactl.safewrite import write_file

    old = os.umask(0o027)
    try:
        write_file(tmp_path / "out.txt", b"x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == 0o640


@pytest.mark.parametrize("writer", [w for w in WRITERS if isinstance(w, Writer) and w.replaces_own], ids=_id)
def test_a_value_posing_as_a_stamp_does_not_decide(
    writer: Writer, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An agreement title that looks like a stamp: the real stamp comes after it, and still decides."""
    fake = f"generated by slactl report; sha256:{'ab' * 32} generated by slactl from {AGREEMENT_ID}; sha256:{'0' * 64}"
    for name in (AGREEMENT, REPORTED):
        source = work / name
        text = source.read_text()
        line = next(line for line in text.splitlines() if line.startswith("  title: "))
        source.write_text(text.replace(line, f'  title: "{line.removeprefix("  title: ")} {fake}"'))
    code, out = run(writer, work, capsys)
    assert code == 0, out
    first = (work / writer.target).read_bytes()
    code, out = run(writer, work, capsys)
    assert code == 0, out
    assert (work / writer.target).read_bytes() == first
