"""Rules across files: ids unique in the repo, catalog references and prices, links."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from slactl.findings import Finding, Severity
from slactl.loading import Loaded, Path_
from slactl.rules import RULES, Ref, Summary, define, repo_rule

define("SLA150", Severity.ERROR, "Two files in the repository use the same `metadata.id`.")
define("SLA151", Severity.ERROR, "A catalog named in `metadata.catalog` is not among the files validated.")
define("SLA152", Severity.ERROR, "A service refers to a catalog service that does not exist.")
define("SLA153", Severity.ERROR, "A catalog service is priced differently from the catalog without a `custom_fee`.")
define("SLA154", Severity.ERROR, "A service refers to a catalog but the agreement names no `metadata.catalog`.")
define(
    "SLA155",
    Severity.WARNING,
    "`underpins`, `underpinned_by` or `renews` names an agreement not among the files validated.",
)
define("SLA156", Severity.ERROR, "The agreement's currency differs from its catalog's.")


def _ref(loaded: Loaded, target: str, path: Path_) -> Ref:
    line, column = loaded.locate(path)
    return Ref(target, path, line, column)


def summarize(document: Any, loaded: Loaded, file: str) -> Summary:
    """The cross-file facts of one validated document."""
    from slactl.rules.chains import chain_facts

    meta = document.metadata
    id_mark = loaded.locate(("metadata", "id"))
    if document.kind == "Catalog":
        return Summary(
            file=file,
            kind="Catalog",
            id=meta.id,
            id_mark=id_mark,
            prices={s.id: s.unit_price for s in document.services},
            currency=document.currency,
        )
    item_price: dict[str, Decimal] = {}
    if document.pricing:
        for item in document.pricing.items:
            item_price.setdefault(item.service, item.unit_price)
    uses = []
    for i, service in enumerate(document.services):
        if service.catalog:
            ref = _ref(loaded, service.catalog, ("services", i, "catalog"))
            price = service.custom_fee if service.custom_fee is not None else item_price.get(service.id)
            uses.append((ref, price, service.custom_fee is not None))
    references = [
        _ref(loaded, target, ("metadata", name, j))
        for name in ("underpins", "underpinned_by")
        for j, target in enumerate(getattr(meta, name))
    ]
    if meta.renews:
        references.append(_ref(loaded, meta.renews, ("metadata", "renews")))
    return Summary(
        file=file,
        kind="Agreement",
        id=meta.id,
        id_mark=id_mark,
        currency=document.pricing.currency if document.pricing else None,
        catalog=_ref(loaded, meta.catalog, ("metadata", "catalog")) if meta.catalog else None,
        catalog_uses=tuple(uses),
        references=tuple(references),
        chain=chain_facts(document, loaded),
    )


def _emit(
    report: Callable[[Finding], None], code: str, file: str, ref: Ref | tuple[int, int], path: str, message: str
) -> None:
    line, column = (ref.line, ref.column) if isinstance(ref, Ref) else ref
    report(Finding(file, line, column, path, RULES[code].severity, code, message))


@repo_rule
def unique_ids(summaries: list[Summary], report: Callable[[Finding], None]) -> None:
    by_id: dict[str, list[Summary]] = defaultdict(list)
    for summary in summaries:
        by_id[summary.id].append(summary)
    for ident, group in by_id.items():
        if len(group) < 2:
            continue
        for summary in group:
            others = ", ".join(sorted(s.file for s in group if s is not summary))
            _emit(
                report, "SLA150", summary.file, summary.id_mark, "metadata.id", f"id `{ident}` is also used by {others}"
            )


@repo_rule
def catalog_references(summaries: list[Summary], report: Callable[[Finding], None]) -> None:
    catalogs = {s.id: s for s in summaries if s.kind == "Catalog"}
    for summary in summaries:
        if summary.kind != "Agreement" or (not summary.catalog_uses and summary.catalog is None):
            continue
        if summary.catalog is None:
            ref = summary.catalog_uses[0][0]
            _emit(
                report,
                "SLA154",
                summary.file,
                ref,
                "metadata.catalog",
                f"service refers to catalog service `{ref.target}` but `metadata.catalog` names no catalog",
            )
            continue
        catalog = catalogs.get(summary.catalog.target)
        if catalog is None:
            known = ", ".join(sorted(catalogs)) or "none"
            _emit(
                report,
                "SLA151",
                summary.file,
                summary.catalog,
                "metadata.catalog",
                f"catalog `{summary.catalog.target}` is not among the files validated (catalogs found: {known}); "
                "validate it together with the agreement or list it under `catalogs` in slactl.yaml",
            )
            continue
        if summary.currency and catalog.currency and summary.currency != catalog.currency:
            _emit(
                report,
                "SLA156",
                summary.file,
                summary.catalog,
                "pricing.currency",
                f"pricing is in {summary.currency} but catalog `{catalog.id}` is in {catalog.currency}",
            )
        for ref, price, custom in summary.catalog_uses:
            if ref.target not in catalog.prices:
                import difflib

                guess = difflib.get_close_matches(ref.target, list(catalog.prices), n=1)
                hint = f"; did you mean `{guess[0]}`?" if guess else ""
                _emit(
                    report,
                    "SLA152",
                    summary.file,
                    ref,
                    _dotted(ref.path),
                    f"catalog `{catalog.id}` has no service `{ref.target}`{hint}",
                )
            elif price is not None and not custom and price != catalog.prices[ref.target]:
                _emit(
                    report,
                    "SLA153",
                    summary.file,
                    ref,
                    _dotted(ref.path),
                    f"priced at {price} but catalog `{catalog.id}` lists `{ref.target}` at "
                    f"{catalog.prices[ref.target]}; use the catalog price or state a `custom_fee`",
                )


@repo_rule
def agreement_links(summaries: list[Summary], report: Callable[[Finding], None]) -> None:
    known = {s.id for s in summaries}
    for summary in summaries:
        for ref in summary.references:
            if ref.target not in known:
                _emit(
                    report,
                    "SLA155",
                    summary.file,
                    ref,
                    _dotted(ref.path),
                    f"`{ref.target}` is not among the files validated",
                )


def _dotted(path: Path_) -> str:
    from slactl.findings import format_path

    return format_path(path)
