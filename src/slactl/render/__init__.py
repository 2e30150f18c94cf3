"""`slactl render`: the signable agreement as Markdown, HTML or PDF, as a pure function.

``render_document(valid, fmt, provenance=...)`` depends on the validated document and a
:class:`Provenance` value (digest, git commit and its date, work-tree state, the judged
approval rows) and nothing else: no git, no approvals engine, no clock. The caller asks git
once, above the renderer (:func:`slactl.provenance.provenance_of`); tests/render/test_render_pure.py
checks that no module of this package imports git or the approvals engine.

- :mod:`~slactl.render.provenance`: the ``Provenance`` and ``ApprovalRecord`` values;
- :mod:`~slactl.render.environment`: the sandboxed Jinja environment, the trusted one and
  the approval section it makes;
- :mod:`~slactl.render.view` and :mod:`~slactl.render.sections` (sharing
  :mod:`~slactl.render.common`): every value the templates print, computed in Python;
- :mod:`~slactl.render.document`: Markdown, HTML and PDF;
- :mod:`~slactl.render.output`: discovery of agreements, jobs, overwrite checks, stamped writes.

Every module here imports jinja2, markupsafe, WeasyPrint and the models lazily, so importing
the package stays cheap.
"""

from slactl.render.common import Heading, join_items, level_label, party_label
from slactl.render.document import FORMATS, Format, render_document, render_pdf, render_text
from slactl.render.environment import OUTPUT_CAP, approvals_section, autoescape_for, make_environment, md_escape
from slactl.render.output import (
    EXTENSIONS,
    Job,
    check_overwrite,
    discover_agreements,
    load_catalogs,
    load_related,
    output_owner,
    plan_jobs,
    stamp_owner,
    write_output,
)
from slactl.render.provenance import ApprovalRecord, Fingerprint, Provenance, StageVerdict, draft_reasons
from slactl.render.view import MARKER, build_view

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "MARKER",
    "OUTPUT_CAP",
    "ApprovalRecord",
    "Fingerprint",
    "Format",
    "Heading",
    "Job",
    "Provenance",
    "StageVerdict",
    "approvals_section",
    "autoescape_for",
    "build_view",
    "check_overwrite",
    "discover_agreements",
    "draft_reasons",
    "join_items",
    "level_label",
    "load_catalogs",
    "load_related",
    "make_environment",
    "md_escape",
    "output_owner",
    "party_label",
    "plan_jobs",
    "render_document",
    "render_pdf",
    "render_text",
    "stamp_owner",
    "write_output",
]
