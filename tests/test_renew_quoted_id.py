"""`slactl renew` keeps an id that plain YAML would read as a number or a boolean as text in `renews`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers_validate import EXAMPLES, edit, run_main
from slactl.loading import load_text

CEC = "cec-fy2027-rural-lending.yaml"
NAMES = ("catalog.yaml", "slactl.yaml", CEC, "it-hr-support-fy2027.yaml", "northwind-colocation-fy2027.yaml")


@pytest.mark.parametrize("old_id", ["0", "yes", "1e3", "null", "0x1f", "cec-fy2027"])
def test_renews_names_the_old_id_as_text(tmp_path: Path, capsys: pytest.CaptureFixture[str], old_id: str) -> None:
    for name in NAMES:
        shutil.copy(EXAMPLES / name, tmp_path / name)
    path = tmp_path / CEC
    edit(path, "  id: cec-fy2027-rural-lending\n", f"  id: '{old_id}'\n")
    out = tmp_path / "next.yaml"
    run = run_main(["renew", str(path), "-o", str(out)], capsys)
    assert run.code == 0, run.err
    metadata = load_text(out.read_text()).data["metadata"]
    assert metadata["renews"] == old_id
