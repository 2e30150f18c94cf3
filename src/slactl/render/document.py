"""Rendering proper: the agreement as Markdown, HTML or PDF, from the validated document and
its :class:`~slactl.render.provenance.Provenance` alone (no git, no clock, no network).

One set of section partials (``templates/render/sections/*.j2``) feeds both text formats: a
partial never writes markup itself, it calls the macros of ``fmt`` (``md/macros.md.j2`` or
``html/macros.html.j2``), so Markdown and HTML cannot disagree on content. Deterministic: the
same input gives byte-identical output.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from slactl.errors import SlactlError
from slactl.render.environment import _generate, _place_section, approvals_section, make_environment
from slactl.render.output import stamp_owner
from slactl.render.view import MARKER, build_view

if TYPE_CHECKING:
    from jinja2 import Environment

    from slactl.documents import ValidDocument
    from slactl.model.agreement import Agreement
    from slactl.model.catalog import Catalog
    from slactl.render.provenance import ApprovalRecord, Provenance

Format = Literal["md", "html", "pdf", "docx"]
FORMATS: tuple[Format, ...] = ("md", "html", "pdf", "docx")


def _given(provenance: Provenance | None, fp: Provenance | None) -> Provenance:
    """``provenance``, also accepted by its former name ``fp``."""
    if provenance is not None and fp is not None and provenance != fp:
        raise TypeError("give provenance= or its former name fp=, not both")
    chosen = provenance if provenance is not None else fp
    if chosen is None:
        raise TypeError("rendering needs provenance=: compute it once with slactl.provenance.provenance_of")
    return chosen


def render_text(
    agreement: Agreement,
    fmt: Literal["md", "html"],
    *,
    provenance: Provenance | None = None,
    catalogs: Sequence[Catalog] = (),
    related: Sequence[Agreement] = (),
    approvals: Sequence[ApprovalRecord] | None = None,
    templates: Path | None = None,
    env: Environment | None = None,
    fp: Provenance | None = None,
) -> str:
    """The agreement as Markdown or self-contained HTML text.

    ``approvals``, when given, stand in for the rows of ``provenance`` (``fp`` is its former name).
    """
    from markupsafe import Markup

    provenance = _given(provenance, fp)
    if approvals is not None:
        provenance = replace(provenance, approvals=tuple(approvals))
    env = env or make_environment(templates)
    view = build_view(agreement, provenance=provenance, catalogs=catalogs, related=related)
    # The approval table states who approved what: built here from built-in templates, then
    # only placed by the (possibly user's) templates, and put back if they leave it out or alter it.
    section = approvals_section(view, fmt)
    view["approvals_section"] = Markup(section)
    text = _place_section(_generate(env, f"agreement.{fmt}.j2", {"v": view, "agreement": agreement}), section, fmt)
    if not view["cover"]["final"]:
        # Added by code, not by a template, so an overriding template cannot drop it.
        text = _mark_draft(text, fmt)
    if fmt == "md":
        # Block macros end with blank lines; keep exactly one between blocks.
        text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    return text


# On every page: fixed elements repeat on each printed page (WeasyPrint and browsers), and the
# page header says it too. Inline styles, so the document's own stylesheet cannot hide it.
DRAFT_MARK_HTML = (
    '<style>@page { @top-center { content: "DRAFT"; font: bold 9pt/1.2 "DejaVu Sans", Arial, sans-serif; '
    "color: #a33; letter-spacing: 0.2em; } }</style>\n"
    '<div class="slactl-draft-mark" aria-hidden="true" style="position: fixed; top: 50%; left: 50%; '
    "width: 0; height: 0; overflow: visible; z-index: 1000; pointer-events: none; display: block !important; "
    'visibility: visible !important;"><span style="position: absolute; left: 0; top: 0; '
    "display: block; font: bold 96px/1.2 'DejaVu Sans', Arial, sans-serif; letter-spacing: 0.1em; "
    "color: rgba(170, 40, 40, 0.13); transform: translate(-50%, -50%) rotate(-35deg); white-space: nowrap; "
    '-webkit-user-select: none; user-select: none;">DRAFT</span></div>\n'
)
DRAFT_MARK_MD = "> **DRAFT**: this document is not final (the cover says why).\n\n"


def _mark_draft(text: str, fmt: Literal["md", "html"]) -> str:
    """``text`` with the DRAFT mark: a watermark on every page of the HTML, a banner on top of the Markdown."""
    if fmt == "md":
        first, newline, rest = text.partition("\n")
        if first.startswith("<!--") and newline:
            return f"{first}\n\n{DRAFT_MARK_MD}{rest.lstrip(chr(10))}"
        return DRAFT_MARK_MD + text
    body = re.search(r"<body\b[^>]*>", text, flags=re.IGNORECASE)
    if body is None:
        return DRAFT_MARK_HTML + text
    return text[: body.end()] + "\n" + DRAFT_MARK_HTML + text[body.end() :]


def _pdf_fetcher() -> Any:
    """A WeasyPrint URL fetcher that only reads data: URLs (no files, no network)."""
    from weasyprint import urls  # type: ignore[import-untyped]

    if hasattr(urls, "URLFetcher"):  # WeasyPrint >= 66
        return urls.URLFetcher(allowed_protocols=("data",), fail_on_errors=False)

    def fetch(url: str, timeout: int = 10, ssl_context: Any = None) -> Any:
        if not url.startswith("data:"):
            raise ValueError(f"slactl renders self-contained documents only; refused to fetch {url[:80]}")
        return urls.default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)

    return fetch


def render_pdf(html: str, *, yaml: bytes, yaml_name: str, epoch: int, marker: str = MARKER) -> bytes:
    """PDF bytes of the rendered HTML, with the agreement's YAML attached; reproducible for ``epoch``."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        # OSError: the Python package is there but pango/harfbuzz are not.
        raise SlactlError(
            f"PDF output needs WeasyPrint and its system libraries: {exc}",
            hint="pip install 'slactl[pdf]'; on Debian/Ubuntu also apt-get install libpango-1.0-0 libpangoft2-1.0-0",
        ) from None
    when = datetime.fromtimestamp(epoch, UTC)
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)  # for any library code that stamps the time
    try:
        attachment = weasyprint.Attachment(
            string=yaml.decode("utf-8"),
            name=yaml_name,
            description="The agreement this document was rendered from (slactl YAML).",
            created=when,
            modified=when,
            url_fetcher=_pdf_fetcher(),
        )
        document = weasyprint.HTML(string=html, url_fetcher=_pdf_fetcher(), base_url=None)
        # The first /ID string sits in the uncompressed trailer, where `output_owner` finds the marker.
        pdf = document.write_pdf(attachments=[attachment], pdf_identifier=marker.encode("utf-8"))
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    assert isinstance(pdf, bytes)
    return pdf


def render_document(
    valid: ValidDocument,
    fmt: Format,
    *,
    provenance: Provenance | None = None,
    catalogs: Sequence[Catalog] = (),
    related: Sequence[Agreement] = (),
    templates: Path | None = None,
    env: Environment | None = None,
    fp: Provenance | None = None,
) -> bytes:
    """One loaded agreement rendered in ``fmt``: the bytes to write.

    A pure function of its arguments: the caller computes ``provenance`` (digest, commit,
    judged approvals) once, with :func:`slactl.provenance.provenance_of`.
    """
    agreement: Agreement = valid.document  # type: ignore[assignment]
    provenance = _given(provenance, fp)
    text_fmt: Literal["md", "html"] = "md" if fmt == "md" else "html"
    text = render_text(
        agreement, text_fmt, provenance=provenance, catalogs=catalogs, related=related, templates=templates, env=env
    )
    from slactl.safewrite import placeholder, seal

    agreement_id = agreement.metadata.id
    stamp = placeholder(stamp_owner(agreement_id))
    if fmt == "docx":
        from slactl.render.word import render_docx

        return seal(render_docx(text, agreement=agreement, provenance=provenance, marker=stamp))
    if fmt != "pdf":
        # Added by code, not by a template, so an overriding template cannot drop or fake it.
        return seal(f"{text}<!-- {stamp} -->\n".encode())
    # In the PDF, the first /ID string: it sits in the uncompressed trailer, near the end.
    return seal(
        render_pdf(text, yaml=valid.raw, yaml_name=f"{agreement_id}.yaml", epoch=provenance.epoch, marker=stamp)
    )
