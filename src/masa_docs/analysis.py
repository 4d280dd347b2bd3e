"""Analyse: the one step between validating the content and rendering it.

A publish is one pass, spelled out in :func:`masa_docs.publish.publish`::

    load -> validate          masa_docs.load.load_content (ContentError: nothing written)
    analyse                   this module, once per publish
    render                    masa_docs.render (analysed content in, bytes out)
    publish                   masa_docs.publish (the only writer)

The analysis of a content (:class:`Analysis`) holds what the documents print beyond the content
itself: the compliance check's "must" failures that keep a document a draft, each document's
compliance matrix, the yearly report's figures and charts (SVG, and PNG for the Word copies),
the check's one-line summary and each document's status line. Each is worked out once, the
first time it is asked for, and kept on the :class:`~masa_docs.load.LoadedContent` it belongs to
(``loaded.analysis``), so the HTML, PDF and Word copies of a document share one. :func:`analyse`
works out everything a set of planned outputs needs in the parent process, before the worker
processes start, so the workers (forked) inherit it instead of computing it again; the
analysis also pickles (a chart carries its drawn PNG, not its drawing function).

Renderers read the rule pack and the local rules only through here, never from disk while
rendering.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .check import MatrixRow
    from .load import LoadedContent
    from .render import RenderRequest
    from .render.charts import Chart


@dataclass
class Analysis:
    """The analysis of one content (by its fingerprint); every part is computed on first use."""

    fingerprint: str
    blocking: dict[tuple[str, str | None], tuple[str, ...]] = field(default_factory=dict)
    compliance: dict[tuple[str, str | None], list[MatrixRow]] = field(default_factory=dict)
    reports: dict[str | None, dict[str, Any]] = field(default_factory=dict)  # period -> report context
    brand: Any = None  # masa_docs.brand.Brand: the cover's colour and the logos (read once)
    # the agreement's rendered .docx, shared by agreement.docx and agreement.pdf
    # (masa_docs.render.agreement.rendered_docx)
    agreement: dict[Any, Any] = field(default_factory=dict)

    def cover_brand(self, loaded: LoadedContent) -> Any:
        """The cover's colour and logos (``masa_docs.brand.brand_context``), read once."""
        if self.brand is None:
            from .brand import brand_context

            self.brand = brand_context(loaded)
        return self.brand

    def blocking_reasons(self, loaded: LoadedContent, doc: str, period: str | None) -> tuple[str, ...]:
        """Failing "must" rules (and placeholder text) that keep ``doc`` a draft."""
        key = (doc, period)
        if key not in self.blocking:
            from .check import blocking_reasons

            self.blocking[key] = tuple(blocking_reasons(loaded, doc, period=period))
        return self.blocking[key]

    def compliance_rows(self, loaded: LoadedContent, doc: str, period: str | None) -> list[MatrixRow]:
        """The rows of ``doc``'s compliance appendix."""
        key = (doc, period)
        if key not in self.compliance:
            from .check import compliance_matrix

            self.compliance[key] = list(compliance_matrix(loaded, doc, period=period))
        return list(self.compliance[key])

    def report(self, loaded: LoadedContent, period: str | None, *, png: bool = False) -> dict[str, Any]:
        """The yearly report's figures and charts for ``period`` (the latest when None). With
        ``png`` (a Word copy will be made) the charts' PNG is drawn with their SVG, from the same
        figure; without it, a chart draws its PNG only if asked for (the same bytes either way)."""
        if period not in self.reports:
            from .render.charts import charts_for
            from .reporting import report_figures

            figures = report_figures(loaded, period)  # MasaError for an unknown period
            if figures.period in self.reports:
                self.reports[period] = self.reports[figures.period]
            else:
                charts = charts_for(figures, png=png)
                self.reports[period] = self.reports[figures.period] = {
                    "figures": figures,
                    "charts": charts,
                    "charts_by_id": {ch.id: ch for ch in charts},
                }
        return dict(self.reports[period])


def analysis_of(loaded: LoadedContent) -> Analysis:
    """The analysis kept on ``loaded`` (a new, empty one the first time)."""
    current = loaded.analysis
    if not isinstance(current, Analysis) or current.fingerprint != loaded.fingerprint:
        current = Analysis(loaded.fingerprint)
        loaded.analysis = current
    return current


def report_context(loaded: LoadedContent, period: str | None = None) -> dict[str, Any]:
    """What the yearly-report template needs beyond ``template_context``: ``figures``
    (:class:`~masa_docs.reporting.ReportFigures`), ``charts`` (list of
    :class:`~masa_docs.render.charts.Chart`) and ``charts_by_id``. Drawn once per content."""
    return analysis_of(loaded).report(loaded, period)


def report_charts(loaded: LoadedContent, period: str | None = None) -> list[Chart]:
    """The charts of the yearly report for ``period`` (the latest when None)."""
    return list(report_context(loaded, period)["charts"])


def compliance_rows(loaded: LoadedContent, doc: str, period: str | None) -> list[MatrixRow]:
    """Rows of the compliance matrix for ``doc`` (``masa_docs.check.compliance_matrix``)."""
    return analysis_of(loaded).compliance_rows(loaded, doc, period)


def blocking_reasons(loaded: LoadedContent, doc: str, period: str | None) -> tuple[str, ...]:
    """Failing "must" rules that keep ``doc`` a draft (``masa_docs.check.blocking_reasons``)."""
    return analysis_of(loaded).blocking_reasons(loaded, doc, period)


def cover_brand(loaded: LoadedContent) -> Any:
    """The cover's colour and logos, read from the content folder once per content."""
    return analysis_of(loaded).cover_brand(loaded)


def reports_needed(requests: Sequence[RenderRequest]) -> dict[str | None, bool]:
    """The yearly-report periods whose figures and charts ``requests`` render, each with
    whether one of them is a Word copy (which needs the charts as PNG)."""
    from .documents import DOCUMENTS

    needed: dict[str | None, bool] = {}
    for req in requests:
        spec = DOCUMENTS[req.doc]
        if spec.periodic and spec.source is None and req.doc != "agreement":
            needed[req.period] = needed.get(req.period, False) or req.fmt == "docx"
    return needed


def report_for(loaded: LoadedContent, period: str | None, png: bool) -> dict[str, Any]:
    """The report context for ``period``, with the charts' PNG drawn when ``png``."""
    report = analysis_of(loaded).report(loaded, period, png=png)
    if png:
        for chart in report["charts"]:
            chart.png()
    return report


def install_report(loaded: LoadedContent, period: str | None, report: dict[str, Any]) -> None:
    """Keep a report context worked out elsewhere (in a worker process) for ``period``."""
    reports = analysis_of(loaded).reports
    reports[period] = reports[report["figures"].period] = report


def analyse(loaded: LoadedContent, requests: Sequence[RenderRequest], *, reports: bool = True) -> Analysis:
    """Work out everything ``requests`` need (compliance matrices, the cover's logos, and with
    ``reports`` the yearly reports' figures and charts, the charts' PNG when a Word copy is
    made) before they are rendered. Without ``reports`` the caller works those out
    (:func:`reports_needed`, :func:`report_for`), e.g. in parallel with other rendering."""
    from .documents import DOCUMENTS
    from .render import RENDERERS

    a = analysis_of(loaded)
    if requests:
        a.cover_brand(loaded)
    agreement = [r for r in requests if r.doc == "agreement"]
    if len({r.fmt for r in agreement}) > 1:  # its .docx and .pdf: render the Word file once
        from .render.agreement import prepare_docx

        prepare_docx(loaded, agreement[0])
    for req in requests:
        spec = DOCUMENTS[req.doc]
        if RENDERERS.get((req.doc, req.fmt), "").startswith("masa_docs.render.agreement:"):
            continue  # the agreement is made from its Word template: no HTML page
        period = req.period if spec.periodic else None
        a.compliance_rows(loaded, req.doc, period)
    if reports:
        for period, png in reports_needed(requests).items():
            report_for(loaded, period, png)
    return a


__all__ = [
    "Analysis",
    "analyse",
    "analysis_of",
    "blocking_reasons",
    "compliance_rows",
    "cover_brand",
    "install_report",
    "report_charts",
    "report_context",
    "report_for",
    "reports_needed",
]
