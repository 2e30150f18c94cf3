"""`slactl site` on the bundled examples: links, determinism, safe writes, and the portal in a real browser.

Headless Chromium opens each kind of page from the file system; what it prints to the console
(``--enable-logging=stderr``) and every URL it requests (``--log-net-log``) are checked. The
browser's own background traffic (component updates, account checks at Google hosts) is not
the page's and is left out; a probe page shows the check sees a page's external request.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import icalendar
import pytest

from gitrepo import GitRepo
from helpers_browser import headless, needs_chromium
from helpers_validate import run_main

BROWSER_OWN = re.compile(r"^https?://([a-z0-9-]+\.)*(google\.com|googleapis\.com|gstatic\.com|gvt1\.com)(/|:|$)")
IDS = [
    "cec-fy2027-rural-lending",
    "cloud-compute-public-sla",
    "it-hr-support-fy2027",
    "lawyer-standard-sla",
    "northwind-colocation-fy2027",
    "public-sector-es-support",
]


@pytest.fixture(scope="module")
def repo(shared_examples_repo: GitRepo) -> Path:
    return shared_examples_repo.path


def build(out: Path, *args: str) -> None:
    from slactl.cli import main

    assert main(["site", "-o", str(out), "--data", "data", *args]) == 0


@pytest.fixture(scope="module")
def site(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The portal of the examples, built once for the module (tests only read it)."""
    out = tmp_path_factory.mktemp("site") / "public"
    build(out, str(repo))
    return out


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.urls.append(value)


def test_the_portal_has_its_pages(site: Path) -> None:
    files = tree(site)
    assert {"index.html", "obligations.html", "obligations.ics", ".slactl-site"} <= set(files)
    for ident in IDS:
        assert f"a/{ident}/index.html" in files
        assert f"a/{ident}/document.html" in files
    # report data is given for four of the examples, per fiscal quarter begun by the last commit (2026-11-02)
    reports = sorted(p for p in files if "/reports/" in p)
    assert reports == [
        "a/cec-fy2027-rural-lending/reports/FY2027-Q1.html",
        "a/cloud-compute-public-sla/reports/FY2026-Q2.html",
        "a/cloud-compute-public-sla/reports/FY2026-Q3.html",
        "a/cloud-compute-public-sla/reports/FY2026-Q4.html",
        "a/cloud-compute-public-sla/reports/FY2027-Q1.html",
    ]
    index = files["index.html"].decode()
    assert "as of 2026-11-02" in index  # the commit's day, not the wall clock
    for ident in IDS:
        assert f'href="a/{ident}/index.html"' in index
    cec = files["a/cec-fy2027-rural-lending/index.html"].decode()
    assert 'href="../northwind-colocation-fy2027/index.html"' in cec  # underpinned_by
    vendor = files["a/northwind-colocation-fy2027/index.html"].decode()
    assert 'href="../cec-fy2027-rural-lending/index.html"' in vendor  # depended on by
    assert "the examples" in cec  # its history: the commit that added it
    events = list(icalendar.Calendar.from_ical(files["obligations.ics"]).walk("VEVENT"))
    assert len(events) == files["obligations.html"].decode().count("<tr data-kind=")


def test_every_link_resolves_and_nothing_is_external(site: Path) -> None:
    checked = 0
    for page in sorted(site.rglob("*.html")):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            parts = urlsplit(url)
            if parts.scheme == "mailto":
                continue
            assert not parts.scheme and not parts.netloc, f"{page.relative_to(site)} links out: {url}"
            if not parts.path:
                continue  # a fragment on the same page
            assert not parts.path.endswith("/"), f"{url}: a folder does not open from a file system"
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.relative_to(site)}: {url} does not resolve"
            assert site.resolve() in target.parents
            checked += 1
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text)
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text)
    assert checked > 50


def test_the_same_repository_writes_the_same_bytes(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(again)
    assert tree(again) == tree(site)
    (again / "stray.txt").write_text("left by someone")
    build(again)  # its own folder: replaced without --force, other files left alone
    assert (again / "stray.txt").read_text() == "left by someone"


@pytest.mark.usefixtures("repo")
def test_a_folder_slactl_did_not_make_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "web"
    out.mkdir()
    (out / "index.html").write_text("<p>the intranet home page</p>")
    run = run_main(["site", "-o", str(out)], capsys)
    assert run.code == 2
    assert "not made by `slactl site`" in run.err
    assert (out / "index.html").read_text() == "<p>the intranet home page</p>"
    assert not (out / "a").exists()
    build(out, "--force")
    assert (out / "a" / "lawyer-standard-sla" / "index.html").is_file()


@pytest.mark.usefixtures("repo")
def test_as_of_moves_the_counted_days(tmp_path: Path) -> None:
    out = tmp_path / "later"
    build(out, "--as-of", "2027-03-01", "--no-history")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "as of 2027-03-01" in index
    assert "in 123 days" in index  # cec: renewal notice 2027-07-02
    assert "History" not in (out / "a" / IDS[0] / "index.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- in a browser


def chromium(tmp_path: Path, page: Path, *args: str) -> tuple[str, list[str], set[str]]:
    """Open ``page``: the DOM after scripts ran, the console lines, and the URLs requested (not the browser's own)."""
    netlog = tmp_path / f"net-{page.stem}-{len(list(tmp_path.glob('net-*')))}.json"
    command = [
        *headless(tmp_path / "chromium-profile"),
        "--enable-logging=stderr",
        "--v=0",
        f"--log-net-log={netlog}",
        "--virtual-time-budget=5000",
        *args,
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    urls: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "url" and isinstance(value, str):
                    urls.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(netlog.read_text(encoding="utf-8")).get("events", []))
    external = {
        u for u in urls if not u.startswith(("file:", "data:", "about:", "chrome:")) and not BROWSER_OWN.match(u)
    }
    return done.stdout, console, external


@needs_chromium
def test_the_browser_check_sees_errors_and_external_requests(tmp_path: Path) -> None:
    probe = tmp_path / "probe.html"
    probe.write_text('<!DOCTYPE html><img src="https://example.com/x.png"><script>missing();</script>')
    _dom, console, external = chromium(tmp_path, probe, "--dump-dom")
    assert any("missing is not defined" in line for line in console)
    assert "https://example.com/x.png" in external


@needs_chromium
@pytest.mark.parametrize(
    "page",
    [
        "index.html",
        "obligations.html",
        "a/cec-fy2027-rural-lending/index.html",
        "a/cec-fy2027-rural-lending/document.html",
        "a/cloud-compute-public-sla/reports/FY2027-Q1.html",
    ],
)
def test_pages_open_without_errors_or_external_requests(site: Path, tmp_path: Path, page: str) -> None:
    dom, console, external = chromium(tmp_path, site / page, "--dump-dom")
    assert console == []
    assert external == set()
    if page in ("index.html", "obligations.html"):
        assert 'data-script="ready"' in dom  # the table's script ran


_PROBE = """<script>
window.addEventListener("load", function () {
  var root = document.getElementById("phone").contentDocument.documentElement;
  document.body.setAttribute("data-probe", root.scrollWidth + " " + root.clientWidth);
});
</script>"""


@needs_chromium
@pytest.mark.parametrize("page", ["index.html", "obligations.html", "a/northwind-colocation-fy2027/index.html"])
def test_no_horizontal_overflow_on_a_phone(site: Path, tmp_path: Path, page: str) -> None:
    """At 390 px (a headless window cannot be that narrow: an iframe is) nothing is wider than the screen."""
    wrapper = tmp_path / "wrapper.html"
    source = html.escape((site / page).read_text(encoding="utf-8"), quote=True)
    wrapper.write_text(
        f'<!DOCTYPE html><html><body style="margin:0"><iframe id="phone" '
        f'style="width:390px;height:800px;border:0" srcdoc="{source}"></iframe>{_PROBE}</body></html>'
    )
    dom, _console, _external = chromium(tmp_path, wrapper, "--window-size=800,900", "--dump-dom")
    match = re.search(r'data-probe="(\d+) (\d+)"', dom)
    assert match, "the probe did not run"
    scroll, client = int(match.group(1)), int(match.group(2))
    assert client == 390
    assert scroll <= client, f"{page} is {scroll} px wide on a 390 px screen"


@needs_chromium
@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_at_desktop_and_phone_width(site: Path, tmp_path: Path, width: int) -> None:
    shot = tmp_path / f"index-{width}.png"
    _dom, console, _external = chromium(
        tmp_path, site / "index.html", f"--window-size={width},1400", f"--screenshot={shot}"
    )
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG")
    assert int.from_bytes(data[16:20], "big") == width
    assert console == []
