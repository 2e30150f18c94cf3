"""`python -m slactl.rules`: print docs/rules.md (the rule table) to stdout."""

from slactl.rules.docs import render_markdown

print(render_markdown(), end="")
