"""The core of `slactl new` and `slactl init`: compute the values, render the templates, write.

Python computes every value (term dates, ids, catalog prices, placeholders); the templates in
``templates/new`` and ``templates/init`` only format them. Every text value goes into YAML
through the ``yaml_str`` filter, so what a user types can never break the file. A rendered
agreement is parsed before it is written: `slactl new` never leaves a file that does not
validate. Placeholders carry the marker ``TODO``; rule SLA390 warns about each one left.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from slactl.config import CONFIG_NAME, Config
from slactl.errors import SlactlError, UsageError
from slactl.fiscal import fiscal_year_bounds, fiscal_year_of
from slactl.safewrite import refusal, write_file

AgreementType = Literal["customer", "internal", "vendor"]
TYPES: tuple[AgreementType, ...] = ("customer", "internal", "vendor")
PLACEHOLDER = "TODO"
DEFAULT_CURRENCY = "USD"
NEW_TEMPLATE = "new/agreement.yaml.j2"

# Who usually signs and talks for each side, by kind of agreement (the seeds' vocabulary).
_ROLES: dict[str, tuple[str, str]] = {
    "customer": ("Service Line Manager", "Contracting Officer"),
    "internal": ("IT Manager", "Department Head"),
    "vendor": ("Account Manager", "Vendor Manager"),
}
_TITLES = {
    "customer": "Service Level Agreement between {provider} and {customer}",
    "internal": "Operational Level Agreement between {provider} and {customer}",
    "vendor": "Underpinning Contract between {provider} and {customer}",
}
_FUNDING = {"customer": "interagency_transfer", "internal": "chargeback", "vendor": "purchase_order"}
# Approval stages in order and the roster role that gives each.
_STAGES = (
    ("management-initial", "management"),
    ("legal", "legal"),
    ("internal-review", "internal-review"),
    ("management-final", "management"),
    ("signature", "signatory"),
)


# --------------------------------------------------------------------------- fiscal years


def parse_fiscal_year(label: str) -> int:
    """'FY2027', 'fy2027' or '2027' -> 2027."""
    match = re.fullmatch(r"\s*(?:FY)?\s*(\d{4})\s*", label, re.IGNORECASE)
    if not match:
        raise UsageError(f"cannot read fiscal year {label!r}; write it like FY2027")
    if not 1900 <= int(match.group(1)) <= 8999:  # the years of the format (slactl.model.types.MAX_DATE)
        raise UsageError(f"fiscal year {label!r} is not between FY1900 and FY8999")
    return int(match.group(1))


def next_fiscal_year(today: date, start: tuple[int, int]) -> int:
    """The fiscal year after the current one: the term a new agreement is usually drafted for."""
    return fiscal_year_of(today, start) + 1


def _iso(text: str, option: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise UsageError(f"{option} {text!r} is not a date; write it YYYY-MM-DD")
    try:
        day = date.fromisoformat(text.strip())
    except ValueError as exc:
        raise UsageError(f"{option} {text!r} is not a real date ({exc})") from None
    if not 1900 <= day.year <= 8999:  # the dates of the format (slactl.model.types.MAX_DATE)
        raise UsageError(f"{option} {text!r} is not from 1900-01-01 and before 9000-01-01")
    return day


# --------------------------------------------------------------------------- yaml filters


def yaml_str(value: object) -> str:
    """Any text as a double-quoted YAML scalar that reads back as exactly that text.

    JSON-style: quotes and backslashes escaped, and every character YAML would refuse or
    fold (control characters, NEL, line and paragraph separators, BOM) written as an escape.
    """
    out = ['"']
    for char in str(value):
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code <= 0x7E or (0xA0 <= code <= 0xFFFD and code not in (0x2028, 0x2029, 0xFEFF)) or code > 0xFFFF:
            if 0xD800 <= code <= 0xDFFF:
                raise UsageError("text holds an undecodable character (is the terminal set to UTF-8?)")
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{code:04x}")
    out.append('"')
    return "".join(out)


def yaml_flow(value: object) -> str:
    """Plain data (mappings, lists, text, numbers, booleans) as one line of flow YAML."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(k)}: {yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(yaml_flow(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return yaml_str(value)


_NOT_IN_COMMENT = re.compile(r"[^\x20-\x7e\xa0-\u2027\u202a-\ufffd\U00010000-\U0010ffff]+")


def yaml_comment(value: object) -> str:
    """Text for a `# ...` comment line: line breaks and control characters become spaces."""
    return _NOT_IN_COMMENT.sub(" ", str(value)).strip()


_PLAIN_KEY = re.compile(r"[a-z][a-z0-9_-]*")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _key(key: object) -> str:
    # Field names and ids stay plain for the reader; anything else is quoted.
    text = str(key)
    return text if _PLAIN_KEY.fullmatch(text) and text not in _RESERVED else yaml_str(text)


FILTERS = {"yaml_str": yaml_str, "yaml_flow": yaml_flow, "yaml_comment": yaml_comment}


def _autoescape(name: str | None) -> bool:
    # Decided by the real name under the .j2: HTML templates escape, YAML and Markdown do not.
    real = (name or "").removesuffix(".j2")
    return real.endswith((".html", ".htm", ".xml"))


def environment(user_dir: Path | None = None) -> Any:
    """The Jinja2 environment: the repository's overrides first, then the built-ins."""
    import jinja2

    from slactl.templates_dir import builtin_templates

    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(user_dir)))
    loaders.append(jinja2.FileSystemLoader(str(builtin_templates())))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=_autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def render(name: str, values: Mapping[str, Any], user_dir: Path | None = None) -> str:
    """Render one template with ``values``; a missing template or value is a ``SlactlError``."""
    import jinja2

    try:
        return str(environment(user_dir).get_template(name).render(**values))
    except jinja2.TemplateNotFound:
        where = f"{user_dir} and the built-ins" if user_dir else "the built-ins"
        raise SlactlError(f"template {name} not found", hint=f"looked in {where}") from None
    except jinja2.UndefinedError as exc:
        raise SlactlError(f"template {name}: {exc.message}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise SlactlError(f"template {exc.name or name}, line {exc.lineno}: {exc.message}") from None


# --------------------------------------------------------------------------- slactl new


@dataclass(frozen=True)
class NewRequest:
    """What `slactl new` was asked for; None means "not given" (a placeholder or a default)."""

    path: Path
    type: AgreementType = "customer"
    title: str | None = None
    provider: str | None = None
    customer: str | None = None
    fiscal_year: str | None = None
    start: str | None = None
    end: str | None = None
    services: tuple[str, ...] = ()
    force: bool = False


@dataclass(frozen=True)
class CatalogPick:
    """Catalog services chosen with ``--service``, in plain values."""

    catalog_id: str
    provider: str
    currency: str
    services: list[dict[str, Any]] = field(default_factory=list)
    calendars: dict[str, dict[str, Any]] = field(default_factory=dict)
    service_levels: list[dict[str, Any]] = field(default_factory=list)


def refuse_overwrite(paths: Sequence[Path], force: bool) -> None:
    """Exit-2 error when anything (a file, a symlink, even a dangling one) is at one of ``paths``.

    With ``force`` only a folder is refused; files and links are replaced (never written through).
    """
    problems = [(path, problem) for path in paths if (problem := refusal(path, owner=None, force=force)) is not None]
    if not problems:
        return
    reasons = [(path, _reason(problem)) for path, problem in problems]
    if len(reasons) == 1:
        path, reason = reasons[0]
        raise SlactlError(f"{reason}; nothing was written", path=str(path), hint=problems[0][1].hint)
    names = "; ".join(f"{path}: {reason}" for path, reason in reasons)
    # --force replaces files and links; it cannot help where the path itself cannot be
    # checked (a file where a folder should be) or is a folder.
    forceable = all(problem.hint is not None and "--force" in problem.hint for _, problem in problems)
    raise SlactlError(
        f"{names}; nothing was written",
        hint="pass --force to replace them (a symbolic link is replaced, never written through)" if forceable else None,
    )


def _reason(problem: SlactlError) -> str:
    reason = problem.message.split(": ", 1)[-1]  # "refusing to ...: the file exists" -> "the file exists"
    return "already exists" if reason == "the file exists" else reason


def existing_folder(path: Path) -> Path:
    """The nearest folder of ``path`` that exists (where to look for slactl.yaml from)."""
    folder = path.absolute().parent
    return next((p for p in (folder, *folder.parents) if p.is_dir()), Path.cwd())


def slug_from(path: Path) -> str:
    """An agreement id from a file name: 'ITS FY2027 NRCS.yaml' -> 'its-fy2027-nrcs'."""
    name = path.name
    for suffix in (".yaml", ".yml"):
        name = name.removesuffix(suffix)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64].strip("-")
    return slug or "agreement"


def agreement_id(path: Path, start: date, fiscal_year: str | None) -> str:
    """The id of a new agreement: the file name, with the term when the name does not carry it.

    'finance-desk.yaml' for FY2027 -> 'finance-desk-fy2027' (so `renew` can name the next term's
    'finance-desk-fy2028'); a name that has a fiscal year or a year already is kept as it is.
    """
    slug = slug_from(path)
    if re.search(r"(?:^|-)(?:fy)?(?:19|20|21)\d{2}(?:-|$)", slug):
        return slug
    term = fiscal_year.lower() if fiscal_year else str(start.year)
    return f"{slug[: 63 - len(term)].rstrip('-')}-{term}"


def term_for(request: NewRequest, config: Config, today: date) -> tuple[date, date, str | None]:
    """Start, end and fiscal-year label of the term asked for (the next fiscal year by default)."""
    fy_start = config.fiscal_year_start
    if request.fiscal_year and (request.start or request.end):
        raise UsageError("give either --fiscal-year or --start and --end, not both")
    if request.start or request.end:
        if not (request.start and request.end):
            raise UsageError("--start and --end go together")
        start, end = _iso(request.start, "--start"), _iso(request.end, "--end")
        if end < start:
            raise UsageError(f"--end {end} is before --start {start}")
        year = fiscal_year_of(start, fy_start)
        label = f"FY{year}" if fiscal_year_bounds(year, fy_start) == (start, end) else None
        return start, end, label
    year = parse_fiscal_year(request.fiscal_year) if request.fiscal_year else next_fiscal_year(today, fy_start)
    start, end = fiscal_year_bounds(year, fy_start)
    return start, end, f"FY{year}"


def pick_services(ids: Sequence[str], config: Config) -> CatalogPick | None:
    """Look ``--service`` ids up in the repository's catalogs; unknown ids are a ``SlactlError``."""
    if not ids:
        return None
    if not config.catalogs:
        where = f" ({config.path})" if config.path else " (none found)"
        raise SlactlError(
            f"--service needs a catalog, but slactl.yaml{where} lists no `catalogs`",
            hint="add your catalog file under `catalogs:` in slactl.yaml",
        )
    from slactl.documents import load_valid

    catalogs: list[Any] = [load_valid(path, kind="Catalog").document for path in config.catalogs]
    found: dict[str, tuple[Any, Any]] = {}
    for catalog in catalogs:
        for service in catalog.services:
            found.setdefault(service.id, (catalog, service))
    chosen = list(dict.fromkeys(ids))  # a repeated id is asked for once
    unknown = [i for i in chosen if i not in found]
    if unknown:
        import difflib

        hints = []
        for ident in unknown:
            guess = difflib.get_close_matches(ident, list(found), n=1)
            hints.append(f"`{ident}`" + (f" (did you mean `{guess[0]}`?)" if guess else ""))
        raise SlactlError(
            f"unknown catalog service {', '.join(hints)}", hint=f"the catalogs offer: {', '.join(sorted(found))}"
        )
    used = {found[i][0].metadata.id for i in chosen}
    if len(used) > 1:
        raise SlactlError(
            f"the services come from different catalogs ({', '.join(sorted(used))}); an agreement refers to one catalog"
        )
    catalog = found[chosen[0]][0]
    pick = CatalogPick(catalog.metadata.id, catalog.metadata.provider, catalog.currency)
    level_ids: set[str] = set()
    for ident in chosen:
        service = found[ident][1]
        pick.services.append(
            {
                "id": service.id,
                "catalog": service.id,
                "name": service.name,
                "description": service.description,
                "unit": service.unit,
                "unit_price": format(service.unit_price, "f"),
                "support_hours": service.support_hours,
            }
        )
        if service.support_hours and service.support_hours in catalog.calendars:
            pick.calendars[service.support_hours] = catalog.calendars[service.support_hours].model_dump(
                mode="json", exclude_defaults=True
            )
        # A service level needs a calendar to run on: only services whose support hours the
        # catalog defines bring their default levels along.
        if service.support_hours not in pick.calendars:
            continue
        for level in service.service_levels:
            dumped = level.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
            base = f"{service.id}-{level.metric.replace('_', '-')}"
            if level.scope.priority:
                base += f"-{level.scope.priority.lower()}"
            ident_, n = base, 2
            while ident_ in level_ids:
                ident_, n = f"{base}-{n}", n + 1
            level_ids.add(ident_)
            pick.service_levels.append({"id": ident_, "service": service.id, **dumped})
    return pick


def schema_ref(target: Path, config: Config, kind: str = "Agreement") -> str:
    """What the modeline points at: the repository's schema file, relative, else the published URL."""
    from slactl.schema import FILES, schema_url

    if config.root is not None:
        local = config.root / "schema" / FILES[kind]
        if local.is_file():
            return Path(os.path.relpath(local.resolve(), target.resolve().parent)).as_posix()
    return schema_url(kind)


def _check_text(**values: str | None) -> None:
    for option, value in values.items():
        if value is not None and not value.strip():
            raise UsageError(f"--{option} is empty")


def new_values(request: NewRequest, config: Config, today: date) -> dict[str, Any]:
    """Everything the agreement template shows, computed."""
    if request.type not in TYPES:
        raise UsageError(f"--type must be one of {', '.join(TYPES)} (got {request.type!r})")
    _check_text(title=request.title, provider=request.provider, customer=request.customer)
    start, end, fiscal_year = term_for(request, config, today)
    pick = pick_services(request.services, config)
    provider = request.provider or (pick.provider if pick else f"{PLACEHOLDER}: provider")
    customer = request.customer or f"{PLACEHOLDER}: customer"
    title = request.title or _TITLES[request.type].format(provider=provider, customer=customer)
    provider_role, customer_role = _ROLES[request.type]
    contacts = {"provider": f"{PLACEHOLDER}: provider contact", "customer": f"{PLACEHOLDER}: customer contact"}
    if pick:
        services = pick.services
    else:
        services = [
            {
                "id": "service-1",
                "catalog": None,
                "name": f"{PLACEHOLDER}: name of the service",
                "description": None,
                "unit": None,
                "unit_price": "0",
                "support_hours": None,
            }
        ]
    currency = pick.currency if pick else (config.currency or DEFAULT_CURRENCY)
    roles = list(config.raw.roles) if config.raw is not None else []
    # Without configured roles any role is accepted, so the standard stages are shown.
    stages = [{"stage": stage, "role": role} for stage, role in _STAGES if not roles or role in roles]
    return {
        "schema": schema_ref(request.path, config),
        "id": agreement_id(request.path, start, fiscal_year),
        "title": title,
        "type": request.type,
        "catalog": pick.catalog_id if pick else None,
        "provider": {
            "name": provider,
            "organization": provider,
            "contact": contacts["provider"],
            "role": provider_role,
        },
        "customer": {
            "name": customer,
            "organization": customer,
            "contact": contacts["customer"],
            "role": customer_role,
        },
        "start": start.isoformat(),
        "end": end.isoformat(),
        "fiscal_year": fiscal_year,
        "services": services,
        "calendars": pick.calendars if pick else {},
        "service_levels": pick.service_levels if pick else [],
        "currency": currency,
        "funding": _FUNDING[request.type],
        "stages": stages,
    }


def new_agreement(request: NewRequest, config: Config, today: date | None = None) -> Path:
    """Scaffold an agreement at ``request.path``; refuse to overwrite without ``force``."""
    refuse_overwrite([request.path], request.force)
    values = new_values(request, config, today or date.today())
    text = render(NEW_TEMPLATE, values, config.templates)
    _check_rendered(text, request.path)
    write_file(request.path, text.encode("utf-8"), force=request.force)  # never replaces without force
    return request.path


def _check_rendered(text: str, path: Path) -> None:
    """The scaffold must validate at once: a template that breaks that is reported, not written."""
    from slactl.loading import LoadError, load_text
    from slactl.parse import parse_document

    try:
        parsed = parse_document(load_text(text), str(path))
    except LoadError as exc:
        raise SlactlError(
            f"the template produced invalid YAML (line {exc.line}): {exc.message}; nothing was written", path=str(path)
        ) from None
    if parsed.document is None:
        shown = "; ".join(f"line {f.line}: {f.path}: {f.message}" for f in parsed.findings[:5])
        raise SlactlError(f"the template produced an invalid agreement ({shown}); nothing was written", path=str(path))


# --------------------------------------------------------------------------- slactl init

# Rendered template -> file written, relative to the repository folder.
INIT_FILES = {
    "init/slactl.yaml.j2": CONFIG_NAME,
    "init/pre-commit-config.yaml.j2": ".pre-commit-config.yaml",
    "init/workflow.yml.j2": ".github/workflows/slactl.yml",
    "init/templates-readme.md.j2": "templates/README.md",
    "init/gitignore.j2": ".gitignore",
}
# The roles of a new repository's settings; its first person holds them all until edited.
INIT_ROLES = ("management", "legal", "internal-review", "signatory")


@dataclass(frozen=True)
class InitRequest:
    """What `slactl init` was asked for."""

    folder: Path
    force: bool = False
    fiscal_year_start: str = "10-01"
    currency: str = DEFAULT_CURRENCY
    git: bool = True  # run `git init` when the folder is in no repository
    install: str | None = None  # how CI installs slactl (a pip requirement); None: from this install


@dataclass(frozen=True)
class InitResult:
    """The files `slactl init` wrote, and what else it did or could not do, said for the user."""

    written: list[Path]
    notes: list[str]


def install_requirement() -> str | None:
    """How pip would install the slactl running now, in a CI job; None when it cannot be told.

    From the install's `direct_url.json` (PEP 610): a git checkout at a commit is pinned to that
    commit; a package from an index is pinned to its version; a local folder or an editable
    install is no place a CI machine can reach, so None.
    """
    import json
    from importlib import metadata

    try:
        dist = metadata.distribution("slactl")
    except metadata.PackageNotFoundError:
        return None
    raw = dist.read_text("direct_url.json")
    if raw is None:
        return f"slactl=={dist.version}"
    try:
        info = json.loads(raw)
    except ValueError:
        return None
    vcs, url = info.get("vcs_info"), info.get("url", "")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and isinstance(url, str) and url.startswith("https://"):
        return f"slactl @ git+{url}@{vcs.get('commit_id', '')}".removesuffix("@")
    if isinstance(url, str) and url.startswith("https://") and "archive_info" in info:
        return f"slactl @ {url}"
    return None


def _git_person(folder: Path, notes: list[str]) -> dict[str, Any] | None:
    """The roster entry of the git user in ``folder``: name, e-mail and signing key, when all are configured."""
    from slactl import git

    name = git.config_get(folder, "user.name")
    email = git.config_get(folder, "user.email")
    if not name or not email:
        notes.append(
            "people: git has no user.name/user.email here, so nobody was added; add yourself to slactl.yaml's "
            "`people` with your signing key before `slactl approve --sign`"
        )
        return None
    try:
        key = git.signing_key(folder)
    except SlactlError as exc:
        notes.append(f"people: {name} was not added: {exc.message}; add the key to slactl.yaml's `people` by hand")
        return None
    person: dict[str, Any] = {"name": name, "email": email, "roles": list(INIT_ROLES)}
    if key.format == "ssh":
        person["ssh_keys"] = [key.public_key]
    elif key.fingerprints:
        person["gpg_fingerprints"] = [key.fingerprints[0]]
    else:
        return None
    notes.append(f"people: added {name} <{email}> with every role and the key git signs with; edit their roles")
    return person


def _git_init(folder: Path, notes: list[str]) -> bool:
    """``git init`` ``folder`` when it is in no repository; False when git cannot be run."""
    from slactl import git

    if git.find_repo(folder) is not None:
        return True
    try:
        git.init_repository(folder)
    except git.GitError as exc:
        notes.append(f"git: could not run `git init {folder}` ({exc.message}); run it yourself before `slactl approve`")
        return False
    notes.append(f"git: initialized a repository in {folder} (`git init`)")
    return True


def init_repo(request: InitRequest) -> InitResult:
    """Make ``folder`` an agreements repository; the files written (nothing when refused) and notes."""
    from slactl.schema import FILES, schema_text

    if not re.fullmatch(r"[A-Z]{3}", request.currency):
        raise UsageError(f"--currency {request.currency!r} is not an ISO 4217 code like USD")
    try:
        fiscal_year_bounds(2001, _mmdd(request.fiscal_year_start))
    except ValueError:
        raise UsageError(f"--fiscal-year-start {request.fiscal_year_start!r} is not a day of the year, MM-DD") from None
    if request.install is not None and not re.fullmatch(r"[ -~]{1,500}", request.install.strip() or "\n"):
        raise UsageError("--install is a pip requirement on one line, e.g. 'slactl @ git+https://host/org/slactl@v1.0'")
    root = request.folder
    if root.exists() and not root.is_dir():
        raise SlactlError("is not a folder: init makes a folder an agreements repository", path=str(root))
    install = request.install.strip() if request.install else install_requirement()
    values: dict[str, Any] = {
        "fiscal_year_start": request.fiscal_year_start,
        "currency": request.currency,
        "roles": list(INIT_ROLES),
        "install": install,
        "people": [],
    }
    refuse_overwrite([root / name for name in INIT_FILES.values()], request.force)
    notes: list[str] = []
    if request.git:
        root.mkdir(parents=True, exist_ok=True)
        if _git_init(root, notes):
            person = _git_person(root, notes)
            values["people"] = [person] if person else []
    contents: dict[Path, str] = {}
    for template, name in INIT_FILES.items():
        contents[root / name] = render(template, values)
    for kind, name in FILES.items():
        contents[root / "schema" / name] = schema_text(kind)
    for name, text in starter_clauses().items():  # copied as they are: their `{{ }}` are the clauses' own
        contents[root / "clauses" / name] = text
    refuse_overwrite(list(contents), request.force)
    created: list[Path] = []
    for path, text in contents.items():
        new = refusal(path, owner=None, force=False) is None
        try:
            write_file(path, text.encode("utf-8"), force=request.force)
        except SlactlError:
            for done in created:  # all or nothing: take back the files this run created
                done.unlink(missing_ok=True)
            raise
        if new:
            created.append(path)
    if install is None:
        notes.append(
            "ci: this slactl was installed from a local folder, so the workflow cannot install it the same way; "
            "set the repository variable SLACTL_INSTALL (e.g. `slactl @ git+https://<host>/<org>/slactl@<tag>`) "
            "or run `slactl init --install SPEC --force`"
        )
    return InitResult(list(contents), notes)


def starter_clauses() -> dict[str, str]:
    """The starter clause library `slactl init` writes (templates/init/clauses): file name -> text."""
    from slactl.templates_dir import builtin_templates

    folder = builtin_templates() / "init" / "clauses"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}


def _mmdd(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{2})-(\d{2})", text)
    if not match:
        raise ValueError(text)
    return int(match.group(1)), int(match.group(2))
