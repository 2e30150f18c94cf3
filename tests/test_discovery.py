"""Discovery by parsing, never by regex: every spelling of an agreement is found by every command.

Each spelling below hid an agreement from `validate` (folder runs and `--only-slactl`),
`render`, `status` and `diff` while they matched `^apiVersion: slactl/` with a regex.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gitrepo import GitRepo
from helpers_validate import EXAMPLES, run_main, without_clauses

HR = without_clauses((EXAMPLES / "it-hr-support-fy2027.yaml").read_text(encoding="utf-8"))
HEAD = "apiVersion: slactl/v1\nkind: Agreement\n"
assert HR.count(HEAD) == 1


def _swap(new: str) -> Callable[[str], str]:
    return lambda text: text.replace(HEAD, new)


def _indent_all(text: str) -> str:
    return "".join(("  " + line) if line.strip() else line for line in text.splitlines(keepends=True))


def _flow(text: str) -> str:
    # JSON is a YAML flow mapping: `{"apiVersion": "slactl/v1", "kind": "Agreement", ...}`
    return json.dumps(yaml.safe_load(text), default=str)


# Spellings of a valid agreement that a line regex does not see.
SPELLINGS: dict[str, Callable[[str], str]] = {
    "space-before-colon": _swap("apiVersion : slactl/v1\nkind : Agreement\n"),
    "double-quoted-keys": _swap('"apiVersion": "slactl/v1"\n"kind": Agreement\n'),
    "single-quoted-keys": _swap("'apiVersion': 'slactl/v1'\n'kind': 'Agreement'\n"),
    "value-on-next-line": _swap("apiVersion:\n  slactl/v1\nkind:\n  Agreement\n"),
    "comment-between-key-and-value": _swap("apiVersion: # the format\n  slactl/v1\nkind: # what it is\n  Agreement\n"),
    "explicit-key": _swap("? apiVersion\n: slactl/v1\n? kind\n: Agreement\n"),
    "str-tag": _swap("apiVersion: !!str slactl/v1\nkind: !!str Agreement\n"),
    "indented-document": _indent_all,
    "flow-mapping": _flow,
}


def _bom(text: str) -> bytes:
    return codecs.BOM_UTF8 + text.encode("utf-8")


def _long_header(text: str) -> bytes:
    header = "".join(
        f"# comment line {i:05d} of a long licence header ..........................\n" for i in range(1000)
    )
    assert len(header) > 70 * 1024
    return (header + text).encode("utf-8")


BYTE_SPELLINGS: dict[str, Callable[[str], bytes]] = {
    "bom": _bom,
    "70-KiB-comment-header": _long_header,
}


def _all_spellings() -> list[tuple[str, bytes]]:
    out = [(name, fn(HR).encode("utf-8")) for name, fn in SPELLINGS.items()]
    out += [(name, fn(HR)) for name, fn in BYTE_SPELLINGS.items()]
    return out


ALL = _all_spellings()
IDS = [name for name, _ in ALL]


def folder(tmp_path: Path) -> Path:
    """A folder of its own: the `.git` marker stops the search for a slactl.yaml above it."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    return root


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    run = run_main([*args, "-f", "json"], capsys)
    return run.code, json.loads(run.out)


# --------------------------------------------------------------------------- validate


@pytest.mark.parametrize(("name", "raw"), ALL, ids=IDS)
def test_every_spelling_is_validated_in_a_folder_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, raw: bytes
) -> None:
    root = folder(tmp_path)
    (root / "sla.yaml").write_bytes(raw)
    code, doc = _json(["validate", str(root)], capsys)
    assert doc["files"] == 1, name
    if name != "flow-mapping":  # JSON turned numbers and dates into other types: found is enough
        assert (code, doc["findings"]) == (0, []), name


@pytest.mark.parametrize(("name", "raw"), ALL, ids=IDS)
def test_every_spelling_is_checked_by_the_hook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, raw: bytes
) -> None:
    root = folder(tmp_path)
    # A broken agreement in this spelling: the hook must report it, not skip it.
    broken = raw.replace(b"end: 2027-09-30", b"end: 2026-01-01")
    if name == "flow-mapping":
        broken = raw.replace(b'"end": "2027-09-30"', b'"end": "2026-01-01"')
    assert broken != raw
    (root / "sla.yaml").write_bytes(broken)
    code, doc = _json(["validate", "--only-slactl", str(root / "sla.yaml")], capsys)
    assert code == 1 and doc["files"] == 1, name
    assert "SLA100" in {f["code"] for f in doc["findings"]}  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["sla.YAML", "sla.Yml", ".contracts/sla.yaml", "a/.b/c/sla.yml"])
def test_suffix_case_and_dot_folders_are_searched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    root = folder(tmp_path)
    target = root / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(HR.replace("end: 2027-09-30", "end: 2026-01-01"))
    code, doc = _json(["validate", str(root)], capsys)
    assert code == 1 and doc["files"] == 1
    assert {f["file"] for f in doc["findings"]} == {str(target)}  # type: ignore[union-attr]


def test_tooling_folders_are_never_walked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = folder(tmp_path)
    (root / "sla.yaml").write_text(HR)
    for skipped in (".git", ".venv", "node_modules"):
        (root / skipped / "x").mkdir(parents=True, exist_ok=True)
        (root / skipped / "x" / "bad.yaml").write_text("apiVersion: slactl/v1\nkind: Agreement\n")
    code, doc = _json(["validate", str(root)], capsys)
    assert (code, doc["files"]) == (0, 1)


NEAR_MISSES = {
    "lowercase-apiversion": _swap("apiversion: slactl/v1\nkind: Agreement\n"),
    "snake-api_version": _swap("api_version: slactl/v1\nkind: Agreement\n"),
    "transposed-apiVerison": _swap("apiVerison: slactl/v1\nkind: Agreement\n"),
    "capital-ApiVersion-no-kind": _swap("ApiVersion: slactl/v1\n"),
    "version-with-a-dot": _swap("apiVersion: slactl.v1\nkind: Agreement\n"),
    "version-capitalised": _swap("apiVersion: Slactl/v1\nkind: Agreement\n"),
    "kind-without-apiVersion": _swap("kind: Agreement\n"),
    "kubernetes-apiVersion-with-our-kind": _swap("apiVersion: v1\nkind: Agreement\n"),
    "kind-misspelt-no-apiVersion": _swap("kind: Agreemnt\n"),
    "only-the-shape": _swap(""),
    "catalog-kind-without-apiVersion": lambda _: "kind: Catalog\nmetadata: {id: c}\nservices: []\n",
}


@pytest.mark.parametrize("name", list(NEAR_MISSES))
def test_a_near_miss_is_a_finding_never_a_skip(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    root = folder(tmp_path)
    target = root / "sla.yaml"
    target.write_text(NEAR_MISSES[name](HR))
    for args in (["validate", str(root)], ["validate", "--only-slactl", str(target)], ["validate", str(target)]):
        code, doc = _json(args, capsys)
        assert code == 1, (name, args)
        findings = doc["findings"]
        assert isinstance(findings, list) and findings, (name, args)
        assert any("did you mean" in f["message"] for f in findings), (name, args, findings)


def test_the_misspelt_apiversion_names_the_key_and_the_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = folder(tmp_path)
    target = root / "sla.yaml"
    target.write_text(HR.replace(HEAD, "apiversion: slactl/v1\nkind: Agreement\n"))
    code, doc = _json(["validate", str(root)], capsys)
    assert code == 1 and doc["files"] == 1
    [finding] = doc["findings"]  # type: ignore[misc]
    line = HR.splitlines().index("apiVersion: slactl/v1") + 1
    assert (finding["code"], finding["line"], finding["column"]) == ("SLA012", line, 1)
    assert "`apiversion`" in finding["message"] and "did you mean `apiVersion`" in finding["message"]


NOT_AGREEMENTS = {
    "workflow.yml": "name: ci\non: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n",
    # Helm: `appVersion` is one letter from `apiversion`; a key alone is no evidence.
    "Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.2.3\nappVersion: 1.16.0\n",
    "App.yaml": "appVersion: 1.0\nname: x\n",
    "deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n---\napiVersion: v1\nkind: Service\n",
    "compose.yaml": "x-common: &common\n  image: nginx\nservices:\n  web: *common\n",
    "list.yaml": "- a\n- b\n",
    "broken.yaml": "- not: [valid yaml\n",
    "tagged.yaml": "!Ref thing: 1\nother: !GetAtt x.y\n",
    "empty.yaml": "# nothing here\n",
    "latin1.yaml": "name: caf\xe9\n",
}


def test_other_yaml_is_passed_over(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = folder(tmp_path)
    (root / "sla.yaml").write_text(HR)
    for name, text in NOT_AGREEMENTS.items():
        (root / "other" / name).parent.mkdir(exist_ok=True)
        (root / "other" / name).write_bytes(text.encode("latin-1") if name == "latin1.yaml" else text.encode())
    code, doc = _json(["validate", str(root)], capsys)
    assert (code, doc["files"], doc["findings"]) == (0, 1, [])
    files = [str(root / "other" / n) for n in NOT_AGREEMENTS]
    code, doc = _json(["validate", "--only-slactl", *files], capsys)
    assert (code, doc["files"], doc["findings"]) == (0, 0, [])


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("custom-tag-on-apiVersion", HR.replace(HEAD, "apiVersion: !custom slactl/v1\nkind: Agreement\n"), "SLA007"),
        ("custom-tag-on-kind-only", HR.replace(HEAD, "kind: !custom Agreement\n"), "SLA007"),
        ("anchor", HR.replace(HEAD, HEAD + "x-defaults: &d {a: 1}\n"), "SLA006"),
        ("second-document", "apiVersion: v1\nkind: ConfigMap\n---\n" + HR, "SLA004"),
        ("duplicate-key", HR.replace(HEAD, "kind: Agreement\n" + HEAD), "SLA005"),
        ("latin-1", HR.replace("Romero", "Romer\xf3"), "SLA002"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "",
)
def test_an_agreement_the_loader_refuses_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, code: str
) -> None:
    root = folder(tmp_path)
    target = root / "sla.yaml"
    target.write_bytes(text.encode("latin-1" if name == "latin-1" else "utf-8"))
    for args in (["validate", str(root)], ["validate", "--only-slactl", str(target)]):
        exit_code, doc = _json(args, capsys)
        assert exit_code == 1, (name, args)
        assert code in {f["code"] for f in doc["findings"]}, (name, args, doc["findings"])  # type: ignore[union-attr]


def test_utf16_is_refused_not_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = folder(tmp_path)
    (root / "bom.yaml").write_bytes(HR.encode("utf-16"))
    (root / "le.yaml").write_bytes(HR.replace("it-hr-support-fy2027", "other").encode("utf-16-le"))
    code, doc = _json(["validate", str(root)], capsys)
    assert code == 1 and doc["files"] == 2
    findings = doc["findings"]
    assert isinstance(findings, list)
    assert [(Path(f["file"]).name, f["code"]) for f in findings] == [("bom.yaml", "SLA002"), ("le.yaml", "SLA002")]
    assert all("UTF-16" in f["message"] for f in findings)


# --------------------------------------------------------------------------- empty runs


def test_a_folder_without_agreements_fails_unless_allowed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = folder(tmp_path)
    (root / "ci.yml").write_text(NOT_AGREEMENTS["workflow.yml"])
    run = run_main(["validate", str(root)], capsys)
    assert run.code == 1
    assert "no agreement" in run.err and "--allow-empty" in run.err
    assert run_main(["validate", "--allow-empty", str(root)], capsys).code == 0
    (tmp_path / "void").mkdir()
    assert run_main(["validate", str(tmp_path / "void")], capsys).code == 1


def test_the_hook_passes_when_no_changed_file_is_an_agreement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = folder(tmp_path)
    files = []
    for name in ("workflow.yml", "Chart.yaml", "deploy.yaml"):
        (root / name).write_text(NOT_AGREEMENTS[name])
        files.append(str(root / name))
    run = run_main(["validate", "--only-slactl", *files], capsys)
    assert run.code == 0, run.out + run.err
    # ... and fails on a near miss among them.
    (root / "sla.yaml").write_text(HR.replace(HEAD, "apiversion: slactl/v1\nkind: Agreement\n"))
    run = run_main(["validate", "--only-slactl", *files, str(root / "sla.yaml")], capsys)
    assert run.code == 1 and "SLA012" in run.out


def test_the_hook_manifests_take_any_case_of_suffix() -> None:
    import re

    root = Path(__file__).resolve().parent.parent
    manifests = [yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text())[0]]
    from slactl.scaffold import render

    init = yaml.safe_load(render("init/pre-commit-config.yaml.j2", {"fiscal_year_start": "10-01", "currency": "USD"}))
    manifests.append(init["repos"][0]["hooks"][0])
    for hook in manifests:
        files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])
        chosen = [p for p in ("a.YAML", "b.Yml", ".x/c.yaml", "d.json", "slactl.yaml", "e/slactl.yaml")
                  if files.search(p) and not exclude.search(p)]  # fmt: skip
        assert chosen == ["a.YAML", "b.Yml", ".x/c.yaml"], hook


# --------------------------------------------------------------------------- configured agreement paths


def test_under_agreement_paths_every_yaml_file_must_be_a_slactl_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = folder(tmp_path)
    (root / "slactl.yaml").write_text(
        "agreements: [contracts, 'legacy/*/slas']\nexclude: [contracts/drafts, '**/*.tmpl.yaml']\n"
    )
    (root / "contracts").mkdir()
    (root / "contracts" / "sla.yaml").write_text(HR)
    notes = root / "contracts" / "notes.yaml"
    notes.write_text("owner: legal\n")
    legacy = root / "legacy" / "2019" / "slas" / "old.yml"
    legacy.parent.mkdir(parents=True)
    legacy.write_text("title: not converted yet\n")
    for skipped in ("contracts/drafts/wip.yaml", "contracts/x.tmpl.yaml"):
        (root / skipped).parent.mkdir(parents=True, exist_ok=True)
        (root / skipped).write_text("- [never read\n")
    (root / "other.yaml").write_text("owner: legal\n")  # outside the agreement paths
    code, doc = _json(["validate", str(root)], capsys)
    assert code == 1
    got = sorted((Path(f["file"]).relative_to(root).as_posix(), f["code"]) for f in doc["findings"])  # type: ignore[union-attr]
    assert got == [("contracts/notes.yaml", "SLA011"), ("legacy/2019/slas/old.yml", "SLA011")]
    # The hook, handed the same files, judges them the same way; an excluded file is skipped.
    code, doc = _json(["validate", "--only-slactl", str(notes), str(root / "other.yaml"),
                       str(root / "contracts" / "drafts" / "wip.yaml")], capsys)  # fmt: skip
    assert code == 1
    assert [Path(f["file"]).name for f in doc["findings"]] == ["notes.yaml"]  # type: ignore[union-attr]


def test_agreement_paths_must_stay_inside_the_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = folder(tmp_path)
    (root / "slactl.yaml").write_text("agreements: [../elsewhere]\n")
    run = run_main(["validate", str(root)], capsys)
    assert run.code == 2 and "agreements" in run.err and "leaves the folder of slactl.yaml" in run.err
    (root / "slactl.yaml").write_text("exclude: [/etc]\n")
    run = run_main(["validate", str(root)], capsys)
    assert run.code == 2 and "exclude" in run.err and "is absolute" in run.err


# --------------------------------------------------------------------------- the pure functions


@pytest.mark.parametrize(("name", "raw"), ALL, ids=IDS)
def test_kind_of_reads_every_spelling(name: str, raw: bytes) -> None:
    from slactl.discovery import kind_of

    assert kind_of(raw) == "Agreement", name
    assert kind_of((EXAMPLES / "catalog.yaml").read_bytes()) == "Catalog"


def test_kind_of_other_files_is_none() -> None:
    from slactl.discovery import classify, kind_of

    for name, text in NOT_AGREEMENTS.items():
        raw = text.encode("latin-1") if name == "latin1.yaml" else text.encode()
        assert kind_of(raw) is None, name
        assert classify(raw).near_miss is None, name


def test_classify_says_what_it_nearly_is() -> None:
    from slactl.discovery import classify, kind_of

    raw = HR.replace(HEAD, "apiVerison: slactl/v1\nkind: Agreement\n").encode()
    found = classify(raw)
    assert found.kind == "Agreement" and not found.declared
    assert found.near_miss is not None and "did you mean `apiVersion`" in found.near_miss.message
    assert kind_of(raw) == "Agreement"  # over-inclusive: a gate that loads it fails loudly
    utf16 = classify(HR.encode("utf-16"))
    assert utf16.kind == "Agreement" and utf16.error is not None and utf16.error.code == "SLA002"


# --------------------------------------------------------------------------- render, status, diff


@pytest.mark.parametrize(("name", "raw"), ALL, ids=IDS)
def test_render_finds_every_spelling(tmp_path: Path, name: str, raw: bytes) -> None:
    from slactl.render import discover_agreements

    root = folder(tmp_path)
    (root / "x" / ".y").mkdir(parents=True)
    (root / "x" / ".y" / "sla.YAML").write_bytes(raw)
    found = list(discover_agreements([root]))
    assert [v.path.name for v in found] == ["sla.YAML"], name


def test_render_refuses_a_near_miss_and_says_an_empty_folder_is_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = folder(tmp_path)
    (root / "ci.yml").write_text(NOT_AGREEMENTS["workflow.yml"])
    run = run_main(["render", str(root), "--out-dir", str(tmp_path / "out")], capsys)
    assert run.code == 2 and "no agreements found" in run.err
    (root / "sla.yaml").write_text(HR.replace(HEAD, "apiversion: slactl/v1\nkind: Agreement\n"))
    run = run_main(["render", str(root), "--out-dir", str(tmp_path / "out")], capsys)
    assert run.code == 2 and "did you mean `apiVersion`" in run.err


@pytest.mark.parametrize(("name", "raw"), ALL, ids=IDS)
def test_status_finds_every_spelling(tmp_path: Path, name: str, raw: bytes) -> None:
    from slactl.approvals import agreement_files

    root = folder(tmp_path)
    (root / ".slas").mkdir()
    (root / ".slas" / "sla.Yml").write_bytes(raw)
    (root / "ci.yml").write_text(NOT_AGREEMENTS["workflow.yml"])
    (root / "catalog.yaml").write_bytes((EXAMPLES / "catalog.yaml").read_bytes())
    assert agreement_files([root]) == [root / ".slas" / "sla.Yml"], name


def test_status_on_a_hidden_spelling_in_a_real_repository(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    git_repo.write("slactl.yaml", "roles: [management, legal, signatory]\n")
    git_repo.write("slas/sla.yaml", '"apiVersion": "slactl/v1"\n"kind": Agreement\n' + HR.replace(HEAD, ""))
    git_repo.commit("add")
    run = run_main(["status", str(git_repo.path / "slas"), "--today", "2026-11-01"], capsys)
    assert run.code == 1, run.err
    assert "it-hr-support-fy2027" in run.out and "missing" in run.out
    git_repo.write("slas/sla.yaml", "owner: nobody\n")
    git_repo.commit("not an agreement any more")
    run = run_main(["status", str(git_repo.path / "slas"), "--today", "2026-11-01"], capsys)
    assert run.code == 2 and "no agreement" in run.err


def test_diff_sees_a_quoted_spelling(git_repo: GitRepo) -> None:
    from slactl.history import diff_revisions

    text = '"apiVersion": "slactl/v1"\n"kind": Agreement\n' + HR.replace(HEAD, "")
    git_repo.write("slas/sla.YAML", text)
    base = git_repo.commit("add")
    git_repo.write("slas/sla.YAML", text.replace("end: 2027-09-30", "end: 2027-10-31"))
    report = diff_revisions(git_repo.path, base, None)
    assert [f.path for f in report.files] == ["slas/sla.YAML"]
    assert report.files[0].changes


# --------------------------------------------------------------------------- .gitattributes


def test_working_tree_encoding_hides_nothing(git_repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    git_repo.write(".gitattributes", "*.yaml working-tree-encoding=UTF-16\n")
    git_repo.commit("attributes")
    git_repo.write_bytes("slas/sla.yaml", HR.encode("utf-16"))
    git_repo.commit("add the agreement")  # git stores it as UTF-8; the work tree holds UTF-16
    assert git_repo.git("cat-file", "-p", "HEAD:slas/sla.yaml").startswith("# yaml-language-server")
    code, doc = _json(["validate", str(git_repo.path)], capsys)
    assert code == 1
    findings = doc["findings"]
    assert isinstance(findings, list)
    assert [f["code"] for f in findings] == ["SLA002", "SLA031"]
    assert "is UTF-16, not UTF-8" in findings[0]["message"]
    assert "`working-tree-encoding=UTF-16`" in findings[1]["message"]


@pytest.mark.parametrize("attribute", ["filter=lfs", "ident", "working-tree-encoding=UTF-16LE"])
def test_gitattributes_that_transform_an_agreement_are_a_finding(git_repo: GitRepo, attribute: str) -> None:
    from slactl.discovery import gitattributes_findings

    git_repo.write(".gitattributes", f"slas/** {attribute}\n*.md text eol=crlf\n")
    git_repo.write("slas/sla.yaml", HR)
    git_repo.write("docs/x.yaml", HR)
    found = gitattributes_findings(git_repo.path, ["slas/sla.yaml", "docs/x.yaml"])
    assert [(Path(f.file).name, f.code, attribute.split("=")[0] in f.message) for f in found] == [
        ("sla.yaml", "SLA031", True)
    ]


def test_eol_and_text_attributes_are_fine(git_repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    git_repo.write(".gitattributes", "*.yaml text eol=lf\n")
    git_repo.write("slas/sla.yaml", HR)
    git_repo.commit("add")
    code, doc = _json(["validate", str(git_repo.path)], capsys)
    assert (code, doc["findings"]) == (0, [])


def test_an_initialised_repository_has_agreement_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "r"
    assert run_main(["init", str(repo)], capsys).code == 0
    assert (repo / ".git").is_dir()  # init made the folder a git repository
    run = run_main(["validate", str(repo)], capsys)  # the workflow and hook config are not agreements
    assert run.code == 1 and "no agreement or catalog found" in run.err
    (repo / "agreements").mkdir()
    (repo / "agreements" / "sla.yaml").write_text(HR)
    (repo / "agreements" / "notes.yml").write_text("owner: legal\n")
    code, doc = _json(["validate", str(repo)], capsys)
    assert code == 1 and doc["files"] == 2
    assert [(Path(f["file"]).name, f["code"]) for f in doc["findings"]] == [("notes.yml", "SLA011")]  # type: ignore[union-attr]


# --------------------------------------------------------------------------- generalised: any spelling


def _key(draw: st.DrawFn, name: str) -> str:
    style = draw(st.sampled_from(["plain", "single", "double", "explicit"]))
    quoted = {"plain": name, "single": f"'{name}'", "double": f'"{name}"', "explicit": name}[style]
    value = draw(st.sampled_from(["plain", "single", "double", "tagged"]))
    text = {"plain": "{v}", "single": "'{v}'", "double": '"{v}"', "tagged": "!!str {v}"}[value]
    placement = draw(st.sampled_from(["same", "next", "comment"]))
    space = " " * draw(st.integers(0, 2))
    if style == "explicit":
        return f"? {quoted}\n:{space} {text}\n"
    if placement == "same":
        return f"{quoted}{space}: {text}\n"
    if placement == "next":
        return f"{quoted}{space}:\n  {text}\n"
    return f"{quoted}{space}: # {name}\n  {text}\n"


@st.composite
def spellings(draw: st.DrawFn) -> bytes:
    head = _key(draw, "apiVersion").replace("{v}", "slactl/v1") + _key(draw, "kind").replace("{v}", "Agreement")
    body = HR.replace(HEAD, "")
    text = head + body if draw(st.booleans()) else body + "\n" + head
    indent = " " * draw(st.sampled_from([0, 2, 4]))
    text = "".join((indent + line) if line.strip() else line for line in text.splitlines(keepends=True))
    comments = "# header\n" * draw(st.integers(0, 3000))
    bom = codecs.BOM_UTF8 if draw(st.booleans()) else b""
    return bom + (comments + text).encode("utf-8")


@settings(max_examples=60, deadline=None)
@given(raw=spellings())
def test_any_spelling_is_an_agreement_and_validates(raw: bytes) -> None:
    from slactl.discovery import classify

    found = classify(raw)
    assert found.kind == "Agreement" and found.declared and found.error is None and found.near_miss is None
    from slactl.parse import parse_document

    assert found.loaded is not None
    assert parse_document(found.loaded, "x.yaml").findings == []


@st.composite
def misspelt_keys(draw: st.DrawFn) -> str:
    key = list("apiVersion")
    # One or two edits that do not touch each other (two edits of the same letters can be three
    # edits apart: `apiVersion` -> `paiVersion` -> `p_aiVersion`); the later position first.
    places = [draw(st.integers(4, 8))] if draw(st.booleans()) else []
    for at in [*places, draw(st.integers(0, 1 if places else 8))]:
        edit = draw(st.sampled_from(["swap", "drop", "dup", "underscore", "case"]))
        if edit == "swap":
            key[at], key[at + 1] = key[at + 1], key[at]
        elif edit == "drop":
            del key[at]
        elif edit == "dup":
            key.insert(at, key[at])
        elif edit == "underscore":
            key.insert(at + 1, "_")
        else:
            key[at] = key[at].swapcase()
    text = "".join(key)
    assume(text != "apiVersion")
    return text


@settings(max_examples=80, deadline=None)
@given(key=misspelt_keys(), with_kind=st.booleans())
def test_any_misspelt_apiversion_is_a_near_miss(key: str, with_kind: bool) -> None:
    from slactl.discovery import classify

    head = f"{key}: slactl/v1\n" + ("kind: Agreement\n" if with_kind else "")
    found = classify(HR.replace(HEAD, head).encode())
    assert not found.declared and found.kind == "Agreement"
    assert found.near_miss is not None and "did you mean `apiVersion`" in found.near_miss.message
