"""Issue 17, the one pass: load -> validate -> analyse once -> render -> publish.

The analysis (compliance matrices, "must" failures, report figures and charts) is worked out
once per publish and shared by every output; the status lines come back from the library; no
import circles between the check, the deadlines, the report figures and the charts.
"""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from masa_docs import check, reporting
from masa_docs.analysis import analyse, analysis_of, report_charts
from masa_docs.cli import main
from masa_docs.example import example_dir
from masa_docs.load import load_content
from masa_docs.publish import plan, publish

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.is_dir())
SRC = ROOT / "src" / "masa_docs"


def _imports(module: Path) -> set[str]:
    """Every masa_docs module ``module`` imports when it runs, at the top or inside a function
    (not the names imported for type checking only)."""
    package = module.relative_to(SRC.parent).with_suffix("").parts[:-1]
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in ast.walk(tree):  # drop `if TYPE_CHECKING:` blocks
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            node.body = []
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            name = ".".join((*base, *(node.module.split(".") if node.module else ())))
            found.add(name)
            found.update(f"{name}.{a.name}" for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("masa_docs"):
            found.add(node.module)
    return found


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("deadlines.py", "masa_docs.check"),
        ("render/charts.py", "masa_docs.reporting"),
        ("reporting.py", "masa_docs.render.charts"),
        ("check.py", "masa_docs.publish"),
    ],
)
def test_no_import_circles(importer: str, imported: str) -> None:
    # check -> deadlines, analysis -> reporting and charts, publish -> check: one way only.
    assert imported not in _imports(SRC / importer)


def test_the_analysis_is_worked_out_once_per_publish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: dict[str, list[tuple[object, ...]]] = {"matrix": [], "figures": [], "blocking": []}
    real_matrix, real_figures, real_blocking = (
        check.compliance_matrix,
        reporting.report_figures,
        check.blocking_reasons,
    )

    def matrix(loaded, doc, period=None):  # type: ignore[no-untyped-def]
        calls["matrix"].append((doc, period))
        return real_matrix(loaded, doc, period=period)

    def figures(loaded, period=None):  # type: ignore[no-untyped-def]
        calls["figures"].append((period,))
        return real_figures(loaded, period)

    def blocking(loaded, doc, period=None, today=None):  # type: ignore[no-untyped-def]
        calls["blocking"].append((doc, period))
        return real_blocking(loaded, doc, period=period, today=today)

    monkeypatch.setattr(check, "compliance_matrix", matrix)
    monkeypatch.setattr(reporting, "report_figures", figures)
    monkeypatch.setattr(check, "blocking_reasons", blocking)
    result = publish(example_dir(), tmp_path / "build", formats=["html", "docx"], workers=1)
    assert result.outputs
    # HTML and Word copy of each document (and of each period's report) share one matrix.
    assert calls["matrix"] and len(calls["matrix"]) == len(set(calls["matrix"]))
    assert len(calls["blocking"]) == len(set(calls["blocking"]))
    periods = load_content(example_dir()).content.report_periods
    assert sorted(p for (p,) in calls["figures"]) == sorted(periods)  # one drawing per period


def test_the_analysis_is_handed_to_workers_whole() -> None:
    loaded = load_content(example_dir())
    requests, _ = plan(loaded, formats=["docx"])
    analysis = pickle.loads(pickle.dumps(analyse(loaded, requests)))
    period = loaded.content.latest_period
    charts = analysis.reports[period]["charts"]
    assert charts and [c.png() for c in charts] == [c.png() for c in report_charts(loaded, period)]
    assert analysis.compliance == analysis_of(loaded).compliance


def test_a_chart_is_handed_over_with_its_png_only_when_a_word_copy_needs_it() -> None:
    loaded = load_content(example_dir())
    requests, _ = plan(loaded, docs=["yearly-report"], formats=["pdf"])
    analysis = pickle.loads(pickle.dumps(analyse(loaded, requests)))
    chart = analysis.reports[loaded.content.latest_period]["charts"][0]
    assert chart.svg and chart._png == {}  # no PNG was drawn for a PDF-only publish
    with pytest.raises(RuntimeError, match="only when it was drawn before pickling"):
        chart.png()


@pytest.mark.slow
def test_charts_drawn_in_the_workers_make_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a pool, each period's charts are drawn by a worker (first, while other outputs
    are rendered) and handed to the outputs that show them: the parent draws none, and the
    files are those an in-process publish makes."""
    from masa_docs.render import charts

    drawn_here: list[object] = []
    real = charts.charts_for
    monkeypatch.setattr(charts, "charts_for", lambda f, **kw: drawn_here.append(f.period) or real(f, **kw))
    kwargs = {"docs": ["yearly-report", "threshold"], "formats": ["html", "docx"]}
    pooled = publish(example_dir(), tmp_path / "pooled", workers=2, **kwargs)  # type: ignore[arg-type]
    assert pooled.workers == 2 and drawn_here == []  # forked workers' calls stay in the workers
    publish(example_dir(), tmp_path / "here", workers=1, **kwargs)  # type: ignore[arg-type]
    assert sorted(drawn_here) == sorted(load_content(example_dir()).content.report_periods)

    def files(folder: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}

    assert files(tmp_path / "pooled") == files(tmp_path / "here")


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_publish_returns_a_status_line_for_every_document_it_makes(example: Path, tmp_path: Path) -> None:
    # Examples without plain-language words have no easy-read versions: no line for them, and
    # no error (issue 17's first attempt broke publish here).
    result = publish(example, tmp_path / "build", formats=["html"])
    loaded = load_content(example)
    made = {o.doc for o in result.outputs}
    named = {line.split(":")[0].split(" ")[0] for line in result.status}
    assert named == made | {"agreement"}  # --format html: the agreement's line all the same
    assert all(": DRAFT, because " in line or ": FINAL: " in line for line in result.status)
    assert result.status == check.document_status_lines(loaded)


def test_publish_prints_the_status_lines_once_under_format(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        main,
        ["publish", "--content", str(example_dir()), "--out", str(tmp_path / "b"), "--format", "html"],
    )
    assert res.exit_code == 0, res.output
    for doc in ("arrangements", "threshold", "agreement", "yearly-report"):
        assert (
            sum(
                line.startswith(f"{doc}: ") or line.startswith(f"{doc} 20")
                for line in res.output.splitlines()
            )
            == 1
        )
