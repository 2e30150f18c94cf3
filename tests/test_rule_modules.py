"""Every module of slactl.rules that registers a rule is loaded where the registry is filled.

Rules register themselves when their module is imported (``rules._load_rules`` imports
``RULE_MODULES``): a rule module missing from that list would never run, silently.
"""

from __future__ import annotations

import re
from pathlib import Path

from slactl import rules

REGISTERS = re.compile(r"^@(file_rule|section_rule|repo_rule)\b|^define\(", re.MULTILINE)


def test_every_module_that_registers_rules_is_loaded() -> None:
    folder = Path(rules.__file__).parent
    registering = {path.stem for path in folder.glob("*.py") if REGISTERS.search(path.read_text())}
    assert registering - {"__init__"} == set(rules.RULE_MODULES)


def test_the_rules_of_every_module_are_registered() -> None:
    rules._load_rules()
    modules = {func.__module__ for _, func in rules.FILE_RULES} | {func.__module__ for func in rules.REPO_RULES}
    assert {f"slactl.rules.{name}" for name in rules.RULE_MODULES} - modules == set()
