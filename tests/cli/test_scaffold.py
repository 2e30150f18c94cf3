"""`slactl new` and `slactl init`: files that validate at once, never an overwrite, never a broken YAML."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from slactl.cli import main
from slactl.config import Config, load_config
from slactl.documents import load_valid
from slactl.fiscal import fiscal_year_bounds, fiscal_year_of
from slactl.loading import load_text
from slactl.scaffold import (
    next_fiscal_year,
    parse_fiscal_year,
    slug_from,
    yaml_comment,
    yaml_flow,
    yaml_str,
)
from slactl.schema import schema_text
from slactl.templates_dir import builtin_templates
from slactl.validate import validate_paths

ROOT = Path(__file__).resolve().parents[2]
SLACTL = Path(sys.executable).parent / "slactl"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
HOSTILE = [
    'Title: with "quotes" and # a hash',
    "- starts like a list item",
    "*not an alias &nor an anchor !tag %directive @at `tick",
    "{flow: [mapping]}, 'single' \\ backslash",
    "line one\nline two\r\n\ttabbed\x00nul\x1b[31mescape\x7f\x85nel\u2028sep\ufeffbom",
    "yes",
    "null",
    "2026-10-01",
    "Ünïcødé — 日本語 🙂",
    "  padded  ",
    "TODO",
]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def validate(path: Path) -> tuple[int, int]:
    """(errors, warnings) of one file, with the configuration found from it."""
    result = validate_paths([path], load_config(path))
    return result.errors, result.warnings


def repo_with_catalog(root: Path, extra: str = "") -> Path:
    """An agreements repository made by `slactl init`, listing the example catalog."""
    assert main(["init", str(root)]) == 0
    shutil.copy(ROOT / "examples" / "catalog.yaml", root / "catalog.yaml")
    config = root / "slactl.yaml"
    text = config.read_text().replace("catalogs: []", "catalogs: [catalog.yaml]")
    config.write_text(text + extra)
    return root


# --------------------------------------------------------------------------- fiscal years


@pytest.mark.parametrize(
    ("label", "start", "term"),
    [
        ("FY2027", (10, 1), (date(2026, 10, 1), date(2027, 9, 30))),
        ("fy2028", (10, 1), (date(2027, 10, 1), date(2028, 9, 30))),
        ("2027", (7, 1), (date(2026, 7, 1), date(2027, 6, 30))),
        ("FY2027", (1, 1), (date(2027, 1, 1), date(2027, 12, 31))),
        ("FY2024", (3, 1), (date(2023, 3, 1), date(2024, 2, 29))),
    ],
)
def test_fiscal_year_terms(label: str, start: tuple[int, int], term: tuple[date, date]) -> None:
    year = parse_fiscal_year(label)
    assert fiscal_year_bounds(year, start) == term
    assert fiscal_year_of(term[0], start) == year
    assert fiscal_year_of(term[1], start) == year


def test_next_fiscal_year() -> None:
    assert next_fiscal_year(date(2026, 9, 30), (10, 1)) == 2027
    assert next_fiscal_year(date(2026, 10, 1), (10, 1)) == 2028
    assert next_fiscal_year(date(2026, 12, 31), (1, 1)) == 2027


def test_bad_fiscal_year_is_a_usage_error() -> None:
    from slactl.errors import SlactlError

    with pytest.raises(SlactlError, match="FY2027"):
        parse_fiscal_year("next year")


def test_slug_from_file_name() -> None:
    assert slug_from(Path("agreements/ITS FY2027 (NRCS).yaml")) == "its-fy2027-nrcs"
    assert slug_from(Path("---.yml")) == "agreement"
    assert len(slug_from(Path("x" * 200 + ".yaml"))) == 64


# --------------------------------------------------------------------------- YAML filters


@pytest.mark.parametrize("text", HOSTILE)
def test_yaml_str_reads_back_exactly(text: str) -> None:
    assert load_text(f"key: {yaml_str(text)}\n").data == {"key": text}
    assert yaml.safe_load(f"key: {yaml_str(text)}\n") == {"key": text}


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"])))
def test_yaml_str_round_trips_any_text(text: str) -> None:
    assert load_text(f"- {yaml_str(text)}\n").data == [text]


def test_yaml_str_refuses_undecodable_text() -> None:
    from slactl.errors import SlactlError

    with pytest.raises(SlactlError, match="UTF-8"):
        yaml_str("bad \udcff byte")


def test_yaml_flow_and_comment() -> None:
    data = {"timezone": "UTC", "hours": {"mon-fri": ["08:00-12:00", "13:00-17:00"]}, "on": True, "n": 3, "x": None}
    assert load_text(f"k: {yaml_flow(data)}\n").data == {"k": data}
    assert "\n" not in yaml_comment("a\nb\u2028c\x00d")


# --------------------------------------------------------------------------- slactl new


def test_new_without_input_validates_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "its-fy2027-nrcs.yaml"
    code, _, err = run(["new", str(target), "--no-input"], capsys)
    assert code == 0, err
    text = target.read_text()
    assert text.startswith("# yaml-language-server: $schema=https://")
    code, out, _ = run(["validate", str(target)], capsys)
    assert code == 0, out
    assert "0 errors" in out and "SLA390" in out
    document = load_valid(target).document
    assert document.metadata.id == "its-fy2027-nrcs"  # type: ignore[attr-defined]
    for words in (
        "points of contact",
        "business needs survey",
        "service proposal",
        "payment schedule",
        "funding transfer",
        "start-up and transition",
        "reports",
        "meetings",
        "renegotiated",
    ):
        assert words in text.lower(), words


@pytest.mark.parametrize("kind", ["customer", "internal", "vendor"])
def test_every_type_validates_and_passes_the_json_schema(tmp_path: Path, kind: str) -> None:
    target = tmp_path / f"{kind}.yaml"
    assert main(["new", str(target), "--no-input", "--type", kind, "--fiscal-year", "FY2027"]) == 0
    assert validate(target)[0] == 0
    document = load_valid(target).document
    assert document.metadata.type == kind  # type: ignore[attr-defined]
    assert (document.term.start, document.term.end) == (date(2026, 10, 1), date(2027, 9, 30))  # type: ignore[attr-defined]
    schema = tmp_path / "agreement.schema.json"
    schema.write_text(schema_text("Agreement"))
    command = [str(CHECK_JSONSCHEMA), "--schemafile", str(schema), str(target)]
    checked = subprocess.run(command, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_stay_valid_yaml(tmp_path: Path, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "hostile.yaml"
    values = ["--title", value, "--provider", value, "--customer", value]
    code, _, err = run(["new", str(target), "--no-input", *values], capsys)
    assert code == 0, err
    assert validate(target)[0] == 0
    document = load_valid(target).document
    assert document.metadata.title == value  # type: ignore[attr-defined]
    assert document.parties.provider.name == value  # type: ignore[attr-defined]
    assert document.parties.customer.organization == value  # type: ignore[attr-defined]


def test_refuses_to_overwrite_and_force_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "a.yaml"
    target.write_text("precious: true\n")
    code, _, err = run(["new", str(target), "--no-input"], capsys)
    assert code == 2
    assert "already exists" in err and "--force" in err
    assert target.read_text() == "precious: true\n"
    code, _, err = run(["new", str(target), "--no-input", "--force", "--customer", "NRCS"], capsys)
    assert code == 0, err
    assert load_valid(target).document.parties.customer.name == "NRCS"  # type: ignore[attr-defined]


def test_no_prompt_when_stdin_is_not_a_terminal(tmp_path: Path) -> None:
    target = tmp_path / "piped.yaml"
    result = subprocess.run(
        [str(SLACTL), "new", str(target)], input="Sneaky Provider\n", capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Provider" not in result.stdout + result.stderr
    assert "Sneaky" not in target.read_text()


def test_prompts_for_what_is_missing_at_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from slactl.cli import app
    from slactl.cli import scaffold as cli_scaffold

    monkeypatch.setattr(cli_scaffold, "_interactive", lambda: True)
    target = tmp_path / "asked.yaml"
    result = CliRunner().invoke(app, ["new", str(target), "--customer", "NRCS"], input="ITS\n\nFY2029\n")
    assert result.exit_code == 0, result.output
    assert "Provider" in result.output and "Customer" not in result.output  # given on the command line
    document = load_valid(target).document
    assert document.parties.provider.name == "ITS"  # type: ignore[attr-defined]
    assert document.metadata.title == "Service Level Agreement between ITS and NRCS"  # type: ignore[attr-defined]
    assert document.term.fiscal_year == "FY2029"  # type: ignore[attr-defined]
    quiet = CliRunner().invoke(app, ["new", str(tmp_path / "quiet.yaml"), "--no-input"], input="")
    assert quiet.exit_code == 0, quiet.output
    assert "Provider" not in quiet.output


def test_term_follows_the_configured_fiscal_year(tmp_path: Path) -> None:
    (tmp_path / "slactl.yaml").write_text('fiscal_year_start: "07-01"\ncurrency: EUR\n')
    target = tmp_path / "state.yaml"
    assert main(["new", str(target), "--no-input", "--fiscal-year", "FY2027"]) == 0
    document = load_valid(target).document
    assert (document.term.start, document.term.end) == (date(2026, 7, 1), date(2027, 6, 30))  # type: ignore[attr-defined]
    assert document.pricing.currency == "EUR"  # type: ignore[attr-defined]
    assert validate(target)[0] == 0


def test_explicit_dates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "short.yaml"
    assert run(["new", str(target), "--no-input", "--start", "2027-01-15", "--end", "2027-06-30"], capsys)[0] == 0
    term = load_valid(target).document.term  # type: ignore[attr-defined]
    assert (term.start, term.end, term.fiscal_year) == (date(2027, 1, 15), date(2027, 6, 30), None)
    assert validate(target)[0] == 0
    aligned = tmp_path / "aligned.yaml"
    assert run(["new", str(aligned), "--no-input", "--start", "2026-10-01", "--end", "2027-09-30"], capsys)[0] == 0
    assert load_valid(aligned).document.term.fiscal_year == "FY2027"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fiscal-year", "FY2027", "--start", "2026-10-01", "--end", "2027-09-30"], "not both"),
        (["--start", "2026-10-01"], "go together"),
        (["--start", "2027-10-01", "--end", "2026-09-30"], "before"),
        (["--start", "2026-02-30", "--end", "2027-09-30"], "not a real date"),
        (["--fiscal-year", "soon"], "FY2027"),
        (["--title", "   "], "empty"),
        (["--service", "service-desk"], "needs a catalog"),
    ],
)
def test_bad_arguments_exit_2_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    target = tmp_path / "x.yaml"
    code, _, err = run(["new", str(target), "--no-input", *args], capsys)
    assert code == 2
    assert message in err
    assert not target.exists()


def test_catalog_services_fill_names_units_and_prices(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with_catalog(tmp_path / "repo")
    target = repo / "agreements" / "nrcs.yaml"
    code, _, err = run(
        [
            "new",
            str(target),
            "--no-input",
            "--service",
            "service-desk",
            "-s",
            "vm-hosting",
            "--customer",
            "NRCS",
            "--fiscal-year",
            "FY2027",
        ],
        capsys,
    )
    assert code == 0, err
    assert target.read_text().splitlines()[0] == "# yaml-language-server: $schema=../schema/agreement.schema.json"
    errors, _ = validate(target)
    assert errors == 0, run(["validate", str(target)], capsys)[1]
    document = load_valid(target).document
    assert document.metadata.catalog == "cec-catalog-fy2027"  # type: ignore[attr-defined]
    assert [(s.id, s.catalog, s.name, s.unit) for s in document.services] == [  # type: ignore[attr-defined]
        ("service-desk", "service-desk", "Enterprise Service Desk", "user-month"),
        ("vm-hosting", "vm-hosting", "Virtual Server Hosting", "server-month"),
    ]
    assert [str(i.unit_price) for i in document.pricing.items] == ["45.00", "610.00"]  # type: ignore[attr-defined]
    assert document.parties.provider.organization.startswith("Client Experience Center")  # type: ignore[attr-defined]
    assert {sl.service for sl in document.service_levels} == {"service-desk", "vm-hosting"}  # type: ignore[attr-defined]
    assert set(document.calendars) == {"federal-business", "always"}  # type: ignore[attr-defined]
    assert [s.stage for s in document.approvals.stages] == [  # type: ignore[attr-defined]
        "management-initial",
        "legal",
        "internal-review",
        "management-final",
        "signature",
    ]


def test_unknown_service_exits_2_with_a_suggestion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with_catalog(tmp_path / "repo")
    target = repo / "x.yaml"
    code, _, err = run(["new", str(target), "--no-input", "--service", "service-dsk"], capsys)
    assert code == 2
    assert "unknown catalog service `service-dsk`" in err and "did you mean `service-desk`" in err
    assert not target.exists()


def test_repository_template_override_is_used_and_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "slactl.yaml").write_text("templates: tpl\n")
    override = tmp_path / "tpl" / "new" / "agreement.yaml.j2"
    override.parent.mkdir(parents=True)
    builtin = (builtin_templates() / "new" / "agreement.yaml.j2").read_text()
    override.write_text(builtin.replace("# Drafted with `slactl new`.", "# Drafted the house way."))
    target = tmp_path / "ours.yaml"
    assert run(["new", str(target), "--no-input"], capsys)[0] == 0
    assert "# Drafted the house way." in target.read_text()
    override.write_text(builtin.replace("kind: Agreement", "kind: Agreement\nsurprise: 1"))
    broken = tmp_path / "broken.yaml"
    code, _, err = run(["new", str(broken), "--no-input"], capsys)
    assert code == 2
    assert "surprise" in err and "nothing was written" in err
    assert not broken.exists()


def test_placeholder_rule_points_at_each_todo(tmp_path: Path) -> None:
    from slactl.rules import RULES

    source = (ROOT / "examples" / "it-hr-support-fy2027.yaml").read_text()
    edited = source.replace("    name: Help Desk\n", '    name: "TODO: name it"\n').replace(
        "  security: [", "  security: [TODO,"
    )
    target = tmp_path / "todo.yaml"
    target.write_text(edited)
    result = validate_paths([target], load_config(ROOT / "examples"))
    found = [f for f in result.findings if f.code == "SLA390"]
    lines = edited.splitlines()
    assert [(f.path, "TODO" in lines[f.line - 1]) for f in found] == [
        ("needs.security[0]", True),
        ("services[1].name", True),
    ]
    assert RULES["SLA390"].severity.value == "warning"
    assert result.errors == 0


# --------------------------------------------------------------------------- slactl init


def test_init_makes_a_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))  # nobody's key joins the roster
    repo = tmp_path / "agreements-repo"
    code, _, err = run(["init", str(repo)], capsys)
    assert code == 0, err
    config = load_config(repo)
    assert isinstance(config, Config) and config.root is not None
    assert config.root.resolve() == repo.resolve()
    assert config.fiscal_year_start == (10, 1) and config.currency == "USD"
    assert config.raw.roles == ["management", "legal", "internal-review", "signatory"]
    assert config.raw.people == [] and "# people:" in (repo / "slactl.yaml").read_text()
    for kind, name in (("Agreement", "agreement.schema.json"), ("Catalog", "catalog.schema.json")):
        assert (repo / "schema" / name).read_text() == schema_text(kind)
    hooks = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text())
    hook = hooks["repos"][0]["hooks"][0]
    assert hook["id"] == "slactl-validate" and hook["entry"] == "slactl validate --only-slactl"
    assert hook["pass_filenames"] is True
    workflow = yaml.safe_load((repo / ".github" / "workflows" / "slactl.yml").read_text())
    steps = " ".join(str(s.get("run", "")) for s in workflow["jobs"]["validate"]["steps"])
    assert "slactl validate --format github" in steps
    # A new agreement in the fresh repository points its editor at the local schema and validates.
    target = repo / "agreements" / "first.yaml"
    assert main(["new", str(target), "--no-input"]) == 0
    assert "$schema=../schema/agreement.schema.json" in target.read_text().splitlines()[0]
    capsys.readouterr()
    assert main(["validate", str(repo)]) == 0, capsys.readouterr().out


def test_init_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "slactl.yaml").write_text("currency: EUR\n")
    code, _, err = run(["init", str(tmp_path)], capsys)
    assert code == 2
    assert "slactl.yaml" in err and "--force" in err
    assert (tmp_path / "slactl.yaml").read_text() == "currency: EUR\n"
    assert not (tmp_path / "schema").exists()  # all or nothing
    code, _, err = run(["init", str(tmp_path), "--force", "--currency", "EUR", "--fiscal-year-start", "07-01"], capsys)
    assert code == 0, err
    assert load_config(tmp_path).fiscal_year_start == (7, 1)


def test_init_of_a_file_or_under_one_is_refused_without_a_useless_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "notes.txt"
    mine.write_text("notes of mine\n")
    code, _, err = run(["init", str(mine)], capsys)
    assert code == 2
    assert f"{mine}: is not a folder: init makes a folder an agreements repository" in err
    # Under a file, each path cannot even be checked: --force would not help, so no hint says it.
    code, _, err = run(["init", str(mine / "repo"), "--force"], capsys)
    assert code == 2
    assert "Not a directory" in err and "nothing was written" in err
    assert "--force" not in err
    assert mine.read_text() == "notes of mine\n"


@pytest.mark.parametrize("args", [["--currency", "dollars"], ["--fiscal-year-start", "02-30"]])
def test_init_refuses_bad_settings(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    assert run(["init", str(tmp_path / "r"), *args], capsys)[0] == 2
    assert not (tmp_path / "r").exists()


def test_pre_commit_hook_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "slactl-validate")
    assert (hook["language"], hook["pass_filenames"]) == ("python", True)
    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])
    chosen = [
        p
        for p in ("a.yaml", "agreements/b.yml", "c.json", ".github/workflows/ci.yml", "x/slactl.yaml")
        if files.search(p) and not exclude.search(p)
    ]
    assert chosen == ["a.yaml", "agreements/b.yml", ".github/workflows/ci.yml"]
    # What pre-commit runs: the entry with every changed YAML file; other YAML is skipped,
    # agreements are checked.
    workflow = tmp_path / "ci.yml"
    workflow.write_text("on: push\njobs: {}\n")
    broken = tmp_path / "broken.yaml"
    example = (ROOT / "examples" / "it-hr-support-fy2027.yaml").read_text()
    broken.write_text(example.replace("end: 2027-09-30", "end: 2026-01-01"))
    args = [*hook["entry"].split()[1:], str(workflow)]
    assert run(args, capsys)[0] == 0
    code, out, _ = run([*args, str(broken)], capsys)
    assert code == 1 and "broken.yaml" in out and "ci.yml" not in out
