"""`slactl explain-rule`: every rule is explained, and every fix example is proven by validating it.

The broken file must report the rule's code and the fixed file must not; where the fixed file
is a whole agreement (an edit of the corpus agreement) it must be clean altogether, so an
example cannot "fix" one finding by causing another.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from helpers_validate import run_main
from slactl.config import load_config
from slactl.rules import RULES, iter_rules
from slactl.rules.explain import BASE, EXPLANATIONS, Fix, describe
from slactl.validate import Candidate, Result, check_file, validate_paths

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"
CODES = [r.code for r in iter_rules()]
EXAMPLES = sorted(code for code, e in EXPLANATIONS.items() if e.fix is not None)
# Codes no text can produce, each with the reason (asserted against the explanation's own).
NO_EXAMPLE = {"SLA030": "an unreadable file is a property of the file system"}


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} is not exactly once in the text it edits"
    return text.replace(old, new)


def _agreement(fix: Fix, snippet: str) -> str:
    base = (ROOT / BASE).read_text()
    for old, new in fix.setup:
        base = _edit(base, old, new)
    if fix.target != "agreement.yaml":
        return base
    if fix.anchor == "":
        return snippet
    return _edit(base, fix.good if fix.anchor is None else fix.anchor, snippet)


def _validate(folder: Path, fix: Fix, *, bad: bool) -> Result:
    """Write the example's files into ``folder`` and validate them as `slactl validate` would."""
    folder.mkdir()
    (folder / "slactl.yaml").write_text((CASES / "slactl.yaml").read_text())
    snippet = fix.bad if bad else fix.good
    data = _agreement(fix, snippet).encode(fix.bad_encoding if bad else "utf-8")
    if bad and fix.bad_size:
        line = b"# " + b"x" * 1000 + b"\n"
        data += line * (fix.bad_size // len(line) + 1)
        assert len(data) >= fix.bad_size
    agreement = folder / "agreement.yaml"
    agreement.write_bytes(data)
    paths = [agreement]
    for name, text in fix.files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
        if not name.endswith(".md"):  # a clause file is read through the library, not validated
            paths.append(folder / name)
    if fix.target.endswith(".md"):  # a clause file of the library
        (folder / fix.target).parent.mkdir(parents=True, exist_ok=True)
        (folder / fix.target).write_text(snippet)
    if fix.target == ".gitattributes":
        subprocess.run(["git", "init", "-q", str(folder)], check=True, env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"})
        (folder / ".gitattributes").write_text(snippet)
    return validate_paths(paths, load_config(agreement))


def test_every_rule_is_explained_and_every_explanation_is_a_rule() -> None:
    assert set(EXPLANATIONS) == set(RULES)
    for code, explanation in EXPLANATIONS.items():
        assert explanation.why.strip(), code
        assert (explanation.fix is None) == (code in NO_EXAMPLE), code


@pytest.mark.parametrize("code", EXAMPLES)
def test_the_bad_example_reports_the_code_and_the_fix_removes_it(code: str, tmp_path: Path) -> None:
    fix = EXPLANATIONS[code].fix
    assert fix is not None
    assert fix.bad != fix.good or fix.bad_encoding != "utf-8"
    broken = _validate(tmp_path / "bad", fix, bad=True)
    assert code in {f.code for f in broken.findings}, broken.findings
    fixed = _validate(tmp_path / "good", fix, bad=False)
    assert code not in {f.code for f in fixed.findings}, fixed.findings
    if not (fix.anchor == "" and fix.target == "agreement.yaml"):
        # A whole agreement: the fix leaves it clean, even strictly.
        assert [f for f in fixed.findings if f.file.endswith("agreement.yaml")] == []


@pytest.mark.parametrize("code", sorted(NO_EXAMPLE))
def test_codes_without_an_example_say_why(code: str) -> None:
    explanation = EXPLANATIONS[code]
    assert explanation.fix is None
    assert explanation.no_example.startswith(NO_EXAMPLE[code])


def test_a_file_gone_before_it_is_read_is_reported_as_sla030(tmp_path: Path) -> None:
    # SLA030 has no text example: a file found, then removed before it is read, shows the finding.
    result = check_file(Candidate(tmp_path / "gone.yaml", True))
    assert [(f.code, f.message) for f in result.findings] == [("SLA030", "cannot read file: No such file or directory")]


@pytest.mark.parametrize("given", ["SLA123", "sla123", " Sla123 "])
def test_describe_is_case_insensitive(given: str) -> None:
    doc = describe(given)
    assert (doc.code, doc.severity) == ("SLA123", "error")
    assert doc.summary == RULES["SLA123"].summary


def test_explain_rule_prints_the_rule_and_the_fix(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(["explain-rule", "sla123"], capsys)
    out = run.out
    assert run.code == 0
    fix = EXPLANATIONS["SLA123"].fix
    assert fix is not None
    assert out.startswith(f"SLA123 (error): {RULES['SLA123'].summary}\n\nEach escalation level starts later")
    _, _, tail = out.partition("\nInstead of:\n")
    instead, _, written = tail.partition("\nwrite:\n")
    assert "    - {level: 2, contact: Ada Park, after: 2h}" in instead
    assert "    - {level: 2, contact: Ada Park, after: 1 business day}" in written
    assert out.endswith("More: docs/rules.md#sla123\n")


def test_explain_rule_json(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(["explain-rule", "SLA031", "--format", "json"], capsys)
    assert run.code == 0
    value = json.loads(run.out)
    fix = EXPLANATIONS["SLA031"].fix
    assert fix is not None
    assert value["code"] == "SLA031"
    assert value["severity"] == "error"
    assert value["example"] == {"file": ".gitattributes", "note": None, "instead_of": fix.bad, "write": fix.good}
    assert value["no_example"] is None


def test_explain_rule_without_an_example_says_why(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(["explain-rule", "SLA030"], capsys)
    assert run.code == 0
    out = run.out
    assert "No example: an unreadable file is a property of the file system" in out
    assert "Instead of" not in out


@pytest.mark.parametrize(
    ("given", "hint"),
    [("SLA12", "did you mean `SLA012`?"), ("SLA1233", "`SLA123`"), ("nonsense", "docs/rules.md")],
)
def test_an_unknown_code_exits_2_with_a_did_you_mean(given: str, hint: str, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(["explain-rule", given], capsys)
    assert run.code == 2
    err = run.err
    assert f"unknown rule code `{given}`" in err
    assert hint in err


def test_explain_rule_imports_no_renderer_git_or_rich(tmp_path: Path) -> None:
    from test_lazy_imports import imported

    modules, proc = imported("explain-rule", "SLA123", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("SLA123 (error)")
    assert sorted(modules & {"jinja2", "git", "rich", "markdown_it", "weasyprint"}) == []
