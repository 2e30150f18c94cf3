"""The Jinja environments of ``slactl render``: the sandbox for (possibly user) templates and
the trusted one, built-in templates only, that makes the approval section.

Safety: templates run in a sandbox with ``StrictUndefined`` and an output cap; autoescape is
decided by the real template name (HTML, Markdown and shared partials escape, since Markdown
carries raw HTML too); the Markdown macros escape every value with :func:`md_escape`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from slactl.errors import SlactlError

# One escaper for every Markdown slactl writes: the rendered agreement, diff and history.
from slactl.textsafe import DIRECTION_CONTROLS, md_escape, show_direction_controls

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["OUTPUT_CAP", "approvals_section", "autoescape_for", "make_environment", "md_escape"]

OUTPUT_CAP = 5 * 1024 * 1024  # characters a template may produce before rendering stops


def autoescape_for(name: str | None) -> bool:
    """Autoescape by the real template name: ``x.html.j2`` is HTML, not an unknown ``.j2``.

    HTML, XML, SVG and Markdown (which passes raw HTML through) are escaped, and so are
    extension-less shared partials (``sections/scope.j2``) that end up in both; only plain
    text (``.txt``) is not.
    """
    if name is None:
        return True
    real = name
    for suffix in (".j2", ".jinja", ".jinja2"):
        if real.endswith(suffix):
            real = real[: -len(suffix)]
    return not real.endswith((".txt", ".text"))


def _templates_root() -> Path:
    from slactl.templates_dir import builtin_templates

    return builtin_templates() / "render"


def make_environment(user_dir: Path | None = None) -> Environment:
    """The sandboxed jinja2 environment: user overrides first, then the built-in templates."""
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment
    from markupsafe import Markup

    class _Capped(SandboxedEnvironment):
        # Repetition is the one cheap way to build a huge string inside an expression.
        intercepted_binops = frozenset(["*", "**"])

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and isinstance(right, int) and abs(right) > 64:
                raise SlactlError("template computes a power larger than allowed", hint="simplify the template")
            if operator == "*" and isinstance(right, int) and isinstance(left, str | list | tuple):
                if len(left) * right > OUTPUT_CAP:
                    raise SlactlError(f"template output exceeds {OUTPUT_CAP // (1024 * 1024)} MB")
            if operator == "*" and isinstance(left, int) and isinstance(right, str | list | tuple):
                if len(right) * left > OUTPUT_CAP:
                    raise SlactlError(f"template output exceeds {OUTPUT_CAP // (1024 * 1024)} MB")
            return super().call_binop(context, operator, left, right)

    loaders: list[Any] = []
    if user_dir is not None:
        if not user_dir.is_dir():
            raise SlactlError(
                "templates folder not found", path=str(user_dir), hint="check `templates:` in slactl.yaml"
            )
        # A user's folder may hold templates of other commands: `render/` inside it when present.
        loaders.append(FileSystemLoader(str(user_dir / "render" if (user_dir / "render").is_dir() else user_dir)))
    loaders.append(FileSystemLoader(str(_templates_root())))
    env = _Capped(
        loader=ChoiceLoader(loaders),
        autoescape=autoescape_for,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        finalize=_show_direction_controls,
    )
    env.filters["md"] = lambda value: Markup(md_escape(value))
    env.filters["nobreak"] = nobreak
    env.globals["kept_columns"] = kept_columns
    return env


def _show_direction_controls(value: Any) -> Any:
    """Every value a template outputs, with a bidirectional control shown as its escape, never
    acting on the text around it (``slactl validate`` refuses them: SLA013). Markup stays Markup."""
    if isinstance(value, str) and DIRECTION_CONTROLS.search(value):
        from markupsafe import Markup

        shown = show_direction_controls(value)
        return Markup(shown) if isinstance(value, Markup) else shown
    return value


EMPTY_CELL = "—"
# Amounts ('USD 1,250.00') and telephone numbers ('+1 555 0100 201', '(555) 010-2000'): never
# broken across lines. Both are runs of digits with spaces, dots, dashes or brackets.
_UNBREAKABLE = re.compile(
    r"\b[A-Z]{3}\s\d[\d,]*(?:\.\d+)?"  # an amount: ISO currency code and number
    r"|(?<![\w/])\+?\(?\d+(?:[ ().\-]+\d+){2,}(?![\w/])"  # a telephone number: three groups of digits or more
)


def nobreak(value: Any) -> Any:
    """HTML of ``value`` (escaped) with amounts and telephone numbers kept on one line."""
    from markupsafe import Markup, escape

    text = str(value)
    if not _UNBREAKABLE.search(text):
        return escape(value)
    out: list[str] = []
    at = 0
    for match in _UNBREAKABLE.finditer(text):
        out.append(str(escape(text[at : match.start()])))
        out.append(f'<span class="nb">{escape(match.group())}</span>')
        at = match.end()
    out.append(str(escape(text[at:])))
    return Markup("".join(out))


def kept_columns(
    headers: Sequence[Any], rows: Sequence[Sequence[Any]], align: str, footer: Sequence[Any] | None = None
) -> dict[str, Any]:
    """A table without the columns where every row says "—" (and the footer says nothing).

    The first column always stays; a table with no rows keeps every column.
    """
    keep = [
        i
        for i in range(len(headers))
        if i == 0
        or not rows
        or any(str(row[i]) != EMPTY_CELL for row in rows)
        or (footer is not None and footer[i] not in ("", None))
    ]
    return {
        "headers": [headers[i] for i in keep],
        "rows": [[row[i] for i in keep] for row in rows],
        "align": "".join(align[i] if i < len(align) else "l" for i in keep),
        "footer": [footer[i] for i in keep] if footer else None,
    }


_TRUSTED: list[Environment] = []


def _trusted_environment() -> Environment:
    """The built-in templates alone: what renders the approval section, out of any user template's reach."""
    if not _TRUSTED:
        _TRUSTED.append(make_environment(None))
    return _TRUSTED[0]


def approvals_section(view: Mapping[str, Any], fmt: Literal["md", "html"]) -> str:
    """The approval section of a rendered agreement, from built-in templates only ("" when it has none).

    A user's templates place it (``{{ v.approvals_section }}``), they cannot make it: a user
    ``sections/approvals.j2`` or macro override is never used for it, and :func:`render_text`
    puts the section back when the output does not carry it unchanged.
    """
    if view.get("approvals") is None:
        return ""
    return _generate(_trusted_environment(), f"trusted/approvals.{fmt}.j2", {"v": view})


def _place_section(text: str, section: str, fmt: Literal["md", "html"]) -> str:
    """``text`` with the genuine approval section in it: as it is when it carries the section
    unchanged, else with the section added (before ``</main>`` or ``</body>`` in HTML)."""
    if not section or section in text:
        return text
    if fmt == "html":
        for closing in ("</main>", "</body>"):
            at = text.rfind(closing)
            if at >= 0:
                return text[:at] + section + text[at:]
    return text.rstrip("\n") + "\n\n" + section


def _generate(env: Environment, name: str, context: Mapping[str, Any]) -> str:
    from jinja2 import TemplateError, TemplateNotFound

    try:
        template = env.get_template(name)
        out: list[str] = []
        size = 0
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > OUTPUT_CAP:
                raise SlactlError(
                    f"template {name} produced more than {OUTPUT_CAP // (1024 * 1024)} MB",
                    hint="a template loops without end or repeats a large value",
                )
            out.append(chunk)
    except TemplateNotFound as exc:
        raise SlactlError(f"template not found: {exc.name}", hint="check the templates folder") from None
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f" (line {line})" if line else ""
        raise SlactlError(f"template {name}{where}: {exc}", hint="fix the template, or remove the override") from None
    return "".join(out)
