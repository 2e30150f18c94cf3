"""`slactl export`: the service levels compiled to the tools that enforce them.

Targets: ``openslo`` (OpenSLO v1 `Service` and `SLO` objects, YAML), ``sloth`` (Sloth
`prometheus/v1` specs, YAML), ``servicenow`` (`contract_sla` and `cmn_schedule` records, JSON)
and ``jsm`` (Jira Service Management SLA goals and calendars, JSON). :func:`export_all` is pure
over the agreements it is given (same input, same bytes); :func:`write_all` writes through
:mod:`slactl.safewrite`. What a target cannot express comes back as :class:`Gap` values.
docs/export.md has the field mapping of each target.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from slactl.errors import SlactlError
from slactl.export.common import Export, Gap

if TYPE_CHECKING:
    from slactl.export.common import LevelFacts
    from slactl.model.agreement import Agreement

__all__ = ["TARGETS", "ExportRun", "Gap", "export_all", "load_agreements", "stamp_owner", "write_all"]

TARGETS = ("openslo", "sloth", "servicenow", "jsm")


def stamp_owner(target: str) -> str:
    """The owner in the stamp of an export: a re-export to the same target replaces it without --force."""
    return f"export {target}"


@dataclass
class ExportRun:
    """What one export made: files (relative name -> text), gaps, the levels written and skipped."""

    target: str
    files: dict[str, str] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)
    exported: dict[str, list[str]] = field(default_factory=dict)  # agreement id -> level ids written
    agreements: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        """The `--format json` summary."""
        return {
            "target": self.target,
            "agreements": self.agreements,
            "files": sorted(self.files),
            "exported": self.exported,
            "gaps": [g.as_json() for g in self.gaps],
        }


def _writer(target: str) -> Callable[[Agreement, list[LevelFacts], str], Export]:
    from slactl.export import jsm, openslo, servicenow, sloth

    writers: dict[str, Callable[[Agreement, list[LevelFacts], str], Export]] = {
        "openslo": openslo.write,
        "sloth": sloth.write,
        "servicenow": servicenow.write,
        "jsm": jsm.write,
    }
    return writers[target]


def export_all(agreements: Sequence[Agreement], target: str, *, fy_start: tuple[int, int] = (10, 1)) -> ExportRun:
    """Compile every agreement to ``target``; files carry an unsealed stamp (sealed on writing)."""
    from slactl.export.common import level_facts
    from slactl.safewrite import placeholder

    if target not in TARGETS:
        raise SlactlError(f"unknown export target {target!r}", hint=f"choose one of {', '.join(TARGETS)}")
    write = _writer(target)
    run = ExportRun(target)
    for agreement in agreements:
        agreement_id = agreement.metadata.id
        made = write(agreement, level_facts(agreement, fy_start), placeholder(stamp_owner(target)))
        for name, text in made.files.items():
            if name in run.files:
                raise SlactlError(
                    f"two agreements would both be exported to {name}", hint="agreement ids must be unique"
                )
            run.files[name] = text
        run.gaps.extend(made.gaps)
        run.exported[agreement_id] = made.exported
        run.agreements.append(agreement_id)
    return run


def load_agreements(paths: Sequence[Path]) -> list[Agreement]:
    """The valid agreements among ``paths`` (files, or folders searched as `slactl render` does)."""
    from slactl.model.agreement import Agreement
    from slactl.render.output import discover_agreements

    found = [valid.document for valid in discover_agreements(paths)]
    agreements = [doc for doc in found if isinstance(doc, Agreement)]
    if not agreements:
        raise SlactlError("no agreements found", hint="give agreement files or a folder holding them")
    return agreements


def write_all(run: ExportRun, out_dir: Path, *, force: bool = False) -> list[Path]:
    """Write every file into ``out_dir`` (sealed stamps); refuse before writing any if one would be refused."""
    from slactl.safewrite import refusal, seal, write_file

    owner = stamp_owner(run.target)
    targets = [(out_dir / name, text) for name, text in sorted(run.files.items())]
    for path, _ in targets:  # every refusal before the first write: all files or none
        problem = refusal(path, owner=owner, force=force)
        if problem is not None:
            raise problem
    written = []
    for path, text in targets:
        write_file(path, seal(text.encode("utf-8")), owner=owner, force=force)
        written.append(path)
    return written
