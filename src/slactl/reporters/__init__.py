"""The presentation layer: every command's text, Markdown and JSON output, built from a finished value.

One module per command family (``validate``, ``history``, ``diff``, ``status``); each reporter
takes the result the core computed and the stream to write to, and never reads git or files.
``terminal`` decides whether colour is wanted and draws the coloured forms with rich.
The validate reporters are re-exported here under their old names (``slactl.reporters.sarif``...).
"""

from __future__ import annotations

from slactl.reporters.validate import REPORTERS, as_json, github, sarif, text

__all__ = ["REPORTERS", "as_json", "github", "sarif", "text"]
