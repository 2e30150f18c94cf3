"""Headless Chromium for the browser tests: where it is, the skip when it is not, the flags.

`.ci/run` installs Debian's `chromium`; without it the browser tests are skipped and say why.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (apt-get install chromium)")


def headless(profile: Path) -> list[str]:
    """The command line up to the page's own flags: headless, no network of the browser's own."""
    assert CHROMIUM is not None
    return [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ]
