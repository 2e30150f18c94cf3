"""The rendered HTML in a real browser: no horizontal overflow on A4 paper width or a phone.

Headless Chromium loads a wrapper page holding the document twice, in ``srcdoc`` iframes of
375 and 390 px (phones), 794 px (A4 at 96 dpi) and 816 px (Letter); a script in the wrapper (the document itself
has none) writes each frame's ``scrollWidth`` and ``clientWidth`` into the DOM that
``--dump-dom`` prints. Frames are used because a headless window cannot be narrower than
500 px. Skipped only when no Chromium binary is installed.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest

from helpers_browser import headless, needs_chromium
from slactl.digest import content_digest
from slactl.documents import load_valid
from slactl.model.agreement import Agreement
from slactl.model.catalog import Catalog
from slactl.render import Fingerprint, render_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AGREEMENTS = sorted(p for p in EXAMPLES.glob("*.yaml") if b"kind: Agreement" in p.read_bytes())
WIDTHS = (375, 390, 794, 816)  # phones, A4 and Letter widths at 96 dpi
pytestmark = needs_chromium

_PROBE = """<script>
window.addEventListener("load", function () {
  var out = {};
  document.querySelectorAll("iframe").forEach(function (frame) {
    var root = frame.contentDocument.documentElement;
    out[frame.id] = {scroll: root.scrollWidth, client: root.clientWidth};
  });
  document.body.setAttribute("data-probe", JSON.stringify(out));
});
</script>"""


def chromium(tmp_path: Path, url: str, *args: str) -> str:
    command = [*headless(tmp_path / "chromium-profile"), *args, url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def widths(tmp_path: Path, document: str) -> dict[str, dict[str, int]]:
    frames = "".join(
        f'<iframe id="w{w}" style="width:{w}px;height:700px;border:0;display:block" '
        f'srcdoc="{html.escape(document, quote=True)}"></iframe>'
        for w in WIDTHS
    )
    wrapper = tmp_path / "wrapper.html"
    wrapper.write_text(f'<!DOCTYPE html><html><body style="margin:0">{frames}{_PROBE}</body></html>')
    dom = chromium(tmp_path, wrapper.as_uri(), "--window-size=1000,1600", "--virtual-time-budget=5000", "--dump-dom")
    match = re.search(r'data-probe="([^"]*)"', dom)
    assert match, "the probe script did not run"
    result: dict[str, dict[str, int]] = json.loads(html.unescape(match.group(1)))
    return result


def rendered(path: Path) -> str:
    agreement = load_valid(path).document
    assert isinstance(agreement, Agreement)
    catalog = load_valid(EXAMPLES / "catalog.yaml", kind="Catalog").document
    assert isinstance(catalog, Catalog)
    fp = Fingerprint(content_digest(agreement), "modified", None, 0)
    return render_text(agreement, "html", fp=fp, catalogs=[catalog])


def test_probe_detects_overflow(tmp_path: Path) -> None:
    """The measurement itself works: a page wider than the phone is reported."""
    found = widths(tmp_path, '<!DOCTYPE html><html><body><div style="width:600px">wide</div></body></html>')
    assert found["w375"]["scroll"] > found["w375"]["client"]
    assert found["w794"]["scroll"] == found["w794"]["client"]


@pytest.mark.parametrize("path", AGREEMENTS, ids=lambda p: p.stem)
def test_no_horizontal_overflow(tmp_path: Path, path: Path) -> None:
    found = widths(tmp_path, rendered(path))
    for width in WIDTHS:
        frame = found[f"w{width}"]
        assert frame["client"] == width
        assert frame["scroll"] <= frame["client"], f"page is {frame['scroll']} px wide at {width} px"


def test_screenshot(tmp_path: Path) -> None:
    page = tmp_path / "agreement.html"
    page.write_text(rendered(EXAMPLES / "cec-fy2027-rural-lending.yaml"), encoding="utf-8")
    shot = tmp_path / "shot.png"
    chromium(tmp_path, page.as_uri(), "--window-size=794,1123", f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (794, 1123)
