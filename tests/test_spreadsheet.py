"""The data set and the budget to and from spreadsheets: export, change cells as a spreadsheet
program would save them, import, and get exactly those changes in the YAML and nothing else."""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from conftest import copy_content, replace_once
from masa_docs.cli import main
from masa_docs.errors import ContentError, MasaError
from masa_docs.load import load_content
from masa_docs.spreadsheet import export_budget, export_metrics, import_budget, import_metrics

PERIOD = "2025-26"


def saved_as_spreadsheet_program(path: Path, cached: dict[tuple[str, str], str]) -> None:
    """Give formula cells the result a spreadsheet program saves beside the formula.

    openpyxl writes formulas without a result (``<f>..</f><v></v>``); Excel and LibreOffice save
    ``<f>A1+1</f><v>42</v>``. ``cached`` maps (sheet title, cell) to the saved result."""
    src = zipfile.ZipFile(path)
    wb_xml = src.read("xl/workbook.xml").decode()
    rels = src.read("xl/_rels/workbook.xml.rels").decode()
    titles = dict(re.findall(r'<sheet[^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', wb_xml))
    targets = dict(re.findall(r'Id="([^"]+)"[^>]*Target="/?(?:xl/)?([^"]+)"', rels))
    targets.update({k: v for v, k in re.findall(r'Target="/?(?:xl/)?([^"]+)"[^>]*Id="([^"]+)"', rels)})
    files = {f"xl/{targets[rid]}": title for title, rid in titles.items()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            title = files.get(info.filename)
            for (sheet, ref), value in cached.items():
                if sheet != title:
                    continue
                pattern = rf'(<c r="{ref}"[^>]*>\s*<f>[^<]*</f>)\s*(?:<v>\s*</v>|<v\s*/>)?'
                body, n = re.subn(
                    pattern.encode(), lambda m, v=value: m.group(1) + f"<v>{v}</v>".encode(), body
                )
                assert n == 1, (sheet, ref)
            dst.writestr(info, body)
    path.write_bytes(out.getvalue())


def diff(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_content(tmp_path / "content")


def find_row(ws, metric: str) -> int:  # type: ignore[no-untyped-def]
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == metric:
            return int(row[0].row)
    raise AssertionError(metric)


def column_of(ws, heading: str) -> int:  # type: ignore[no-untyped-def]
    for row in ws.iter_rows(max_row=5):
        for cell in row:
            if cell.value == heading:
                return int(cell.column)
    raise AssertionError(heading)


def test_export_change_import_gives_exactly_those_changes(root: Path, tmp_path: Path) -> None:
    loaded = load_content(root)
    xlsx = tmp_path / "data.xlsx"
    sheets = export_metrics(loaded, PERIOD, xlsx)
    assert sheets == [
        "Northmere Borough Council",
        "Eastvale Council",
        "Northmere Constabulary",
        "Northmere and Eastvale Hospital",
    ]
    wb = load_workbook(xlsx)
    nbc, ev, police = wb["Northmere Borough Council"], wb["Eastvale Council"], wb["Northmere Constabulary"]
    q1, q3, q4 = (column_of(nbc, h) for h in ("Q1", "Q3", "Q4"))
    # A formula (its result saved beside it), a number stored as text, a percentage typed as
    # 19.5% (stored as 0.195 with a % format), a new comparator 'as of' and a changed target.
    r = find_row(nbc, "early-help-assessments")
    nbc.cell(row=r, column=q1, value="=700+1")
    nbc.cell(row=r, column=q4, value="760")
    r2 = find_row(ev, "re-referrals")
    cell = ev.cell(row=r2, column=q3, value=0.195)
    cell.number_format = "0.0%"
    ev.cell(row=r2, column=column_of(ev, "Target"), value=19.5)
    ev.cell(row=r2, column=column_of(ev, "Comparator: Statistical neighbours (as of)"), value="2024-25")
    police.cell(row=find_row(police, "missing-episodes"), column=q3, value=340)
    wb.save(xlsx)
    saved_as_spreadsheet_program(xlsx, {("Northmere Borough Council", f"{_letter(q1)}{r}"): "701"})

    report = root / "reports" / f"{PERIOD}.yaml"
    before = report.read_text(encoding="utf-8")
    result = import_metrics(loaded, PERIOD, xlsx)
    after = report.read_text(encoding="utf-8")
    assert diff(before, after) == [
        "-      - {label: Q1, value: 688}",
        "+      - {label: Q1, value: 701}",
        "-      - {label: Q4, value: 758}",
        "+      - {label: Q4, value: 760}",
        "-      - {label: Q3, value: 19.8}",
        "+      - {label: Q3, value: 19.5}",
        "-    target: 20.0",
        "+    target: 19.5",
        "-      - {name: Statistical neighbours, value: 21.3}",
        "+      - {name: Statistical neighbours, value: 21.3, as_of: 2024-25}",
        "-      - {label: Q3, value: 341}",
        "+      - {label: Q3, value: 340}",
    ]
    assert [c.describe() for c in result.changes] == [
        "early-help-assessments, Q1: 688 -> 701",
        "early-help-assessments, Q4: 758 -> 760",
        "re-referrals, Q3: 19.8 -> 19.5",
        "re-referrals, target: 20.0 -> 19.5",
        "re-referrals, Statistical neighbours (as of): 2024-25 (new)",
        "missing-episodes, Q3: 341 -> 340",
    ]
    assert result.warnings == []
    new = load_content(root).content.reports[PERIOD]
    values = {m.metric: m for m in new.metrics}
    assert values["early-help-assessments"].values[0].value == Decimal("701")
    assert values["re-referrals"].comparators[1].as_of == "2024-25"
    # Importing the same workbook again changes nothing.
    assert import_metrics(load_content(root), PERIOD, xlsx).changes == []
    assert report.read_text(encoding="utf-8") == after


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(col))


def test_unchanged_export_imports_as_no_change_in_xlsx_and_csv(root: Path, tmp_path: Path) -> None:
    loaded = load_content(root)
    before = (root / "reports" / f"{PERIOD}.yaml").read_bytes()
    for name in ("data.xlsx", "data.csv"):
        export_metrics(loaded, PERIOD, tmp_path / name)
        result = import_metrics(loaded, PERIOD, tmp_path / name)
        assert result.changes == [] and result.warnings == []
    assert (root / "reports" / f"{PERIOD}.yaml").read_bytes() == before


def test_workbook_is_protected_validated_and_deterministic(example, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    export_metrics(example, PERIOD, a)
    export_metrics(example, PERIOD, b)
    assert a.read_bytes() == b.read_bytes()
    wb = load_workbook(a)
    assert wb.sheetnames[-1] == "Notes"
    assert "never read as 0" in " ".join(str(c.value) for c in wb["Notes"]["A"])
    ws = wb["Eastvale Council"]
    assert ws.protection.sheet
    row = find_row(ws, "re-referrals")
    definition = ws.cell(row=row, column=column_of(ws, "Definition"))
    q1 = ws.cell(row=row, column=column_of(ws, "Q1"))
    assert definition.protection.locked and "Department for Education" in definition.value
    assert not q1.protection.locked and q1.value == pytest.approx(21.2)
    percent = [dv for dv in ws.data_validations.dataValidation if dv.sqref and q1.coordinate in dv.sqref]
    assert len(percent) == 1
    assert (percent[0].type, percent[0].operator, percent[0].formula1, percent[0].formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    assert ws.merged_cells.ranges  # the group headings over the columns
    created = wb.properties.created
    assert created == dt.datetime(2026, 9, 25)  # the report's publication date, not the clock


def test_bad_cells_are_all_reported_and_nothing_is_written(root: Path, tmp_path: Path) -> None:
    loaded = load_content(root)
    xlsx = tmp_path / "data.xlsx"
    export_metrics(loaded, PERIOD, xlsx)
    wb = load_workbook(xlsx)
    ws = wb["Northmere Borough Council"]
    q2 = column_of(ws, "Q2")
    ws.cell(row=find_row(ws, "early-help-assessments"), column=q2, value="about 600")
    ws.cell(row=find_row(ws, "cp-plan-rate"), column=q2, value=dt.datetime(2025, 3, 4))  # a date serial
    ws.cell(row=find_row(ws, "icpc-timeliness"), column=q2, value=120)  # a percentage over 100
    ws.cell(row=find_row(ws, "cic-rate"), column=q2, value="=B1/0")
    ws.cell(row=find_row(ws, "cic-rate") + 1, column=1, value="early-help-assesments")  # a typo
    wb.save(xlsx)
    report = root / "reports" / f"{PERIOD}.yaml"
    before = report.read_bytes()
    with pytest.raises(ContentError) as info:
        import_metrics(loaded, PERIOD, xlsx)
    got = [d.format() for d in info.value.diagnostics]
    sheet = "data.xlsx!Northmere Borough Council!"
    col = _letter(q2)
    assert got == [
        f"{sheet}{col}4: early-help-assessments, Q2: expected a number, found 'about 600'\n"
        "    hint: type the figure alone, e.g. 19.4",
        f"{sheet}{col}5: cp-plan-rate, Q2: expected a number, found the date 2025-03-04\n"
        "    hint: format the cell as a number (the spreadsheet program took the figure for a date)",
        f"{sheet}{col}6: icpc-timeliness, Q2: a percentage is from 0 to 100 (found 120; type 19.4 for 19.4%)",
        f"{sheet}{col}7: cic-rate, Q2: the formula =B1/0 has no saved result\n"
        "    hint: open the file in a spreadsheet program and save it, or type the figure",
        f"{sheet}A8: unknown metric 'early-help-assesments'\n"
        "    hint: did you mean 'early-help-assessments'?",
    ]
    assert report.read_bytes() == before

    result = CliRunner().invoke(
        main,
        ["data", "import", str(xlsx), "--content", str(root), "--period", PERIOD],
        catch_exceptions=False,
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{sheet}{col}4: early-help-assessments, Q2: expected a number" in result.output
    assert "5 problems found." in result.output
    assert report.read_bytes() == before


def test_empty_cell_is_not_known_never_zero(root: Path, tmp_path: Path) -> None:
    loaded = load_content(root)
    csv_file = tmp_path / "data.csv"
    export_metrics(loaded, PERIOD, csv_file)
    text = csv_file.read_text(encoding="utf-8-sig")
    text = text.replace(",688,640,724,758,700,", ",688,,724,758,700,", 1)
    csv_file.write_text(text, encoding="utf-8")
    report = root / "reports" / f"{PERIOD}.yaml"
    before = report.read_bytes()
    result = import_metrics(loaded, PERIOD, csv_file)
    assert result.changes == []
    assert report.read_bytes() == before  # Q2 stays 640: not 0, not deleted
    [warning] = result.warnings
    assert warning.severity == "warning"
    assert warning.file == "data.csv!I2"
    assert "not known" in warning.message and "keeps 640" in warning.message


def test_new_metric_and_new_value_date_with_a_date_serial_heading(tmp_path: Path) -> None:
    """A value date written as a date: the spreadsheet program stores it as a serial number."""
    root = copy_content(
        tmp_path / "content",
        {
            "reports/2025-26.yaml": replace_once(
                "  - metric: iha-timeliness\n"
                "    values:\n"
                "      - {label: Q1, value: 64.2}\n"
                "      - {label: Q2, value: 69.8}\n"
                "      - {label: Q3, value: 73.5}\n"
                "      - {label: Q4, value: 77.1}\n"
                "    target: 80.0\n",
                "",
            )
        },
    )
    loaded = load_content(root)
    xlsx = tmp_path / "data.xlsx"
    export_metrics(loaded, PERIOD, xlsx)
    wb = load_workbook(xlsx)
    ws = wb["Northmere and Eastvale Hospital"]
    heading = ws.cell(row=3, column=column_of(ws, "Q4") + 0)
    assert heading.value == "Q4"
    r = find_row(ws, "iha-timeliness")
    ws.cell(row=r, column=column_of(ws, "Q1"), value=64.2)
    # Insert a column headed by a real date after Q4 (the sheet is protected; unprotect first,
    # as a performance officer would).
    ws.protection.sheet = False
    new_col = ws.max_column + 1
    date_heading = ws.cell(row=3, column=new_col, value=dt.datetime(2026, 3, 31))
    date_heading.number_format = "dd/mm/yyyy"
    ws.cell(row=r, column=new_col, value=77.1)
    ws.cell(row=r, column=column_of(ws, "Target"), value=80)
    wb.save(xlsx)
    raw = zipfile.ZipFile(xlsx).read("xl/worksheets/sheet4.xml").decode()
    assert re.search(r'<c r="[A-Z]+3"[^>]*s="\d+"[^>]*><v>46112</v>', raw)  # the date as a serial
    report = root / "reports" / f"{PERIOD}.yaml"
    before = report.read_text(encoding="utf-8")
    result = import_metrics(loaded, PERIOD, xlsx)
    after = report.read_text(encoding="utf-8")
    assert [c.describe() for c in result.changes] == [
        "iha-timeliness, Q1: 64.2 (new)",
        "iha-timeliness, 2026-03-31: 77.1 (new)",
        "iha-timeliness, target: 80 (new)",
    ]
    assert diff(before, after) == [
        "+  - metric: iha-timeliness",
        "+    values:",
        "+      - {label: Q1, value: 64.2}",
        "+      - {label: '2026-03-31', value: 77.1}",
        "+    target: 80",
    ]
    assert load_content(root).content.reports[PERIOD].metrics[-1].values[1].label == "2026-03-31"


def test_merged_header_cells_and_extra_title_rows_are_read(root: Path, tmp_path: Path) -> None:
    loaded = load_content(root)
    xlsx = tmp_path / "data.xlsx"
    export_metrics(loaded, PERIOD, xlsx)
    wb = load_workbook(xlsx)
    ws = wb["Northmere Constabulary"]
    ws.protection.sheet = False
    ws.insert_rows(1)  # a spreadsheet user adds a banner row above everything
    ws.cell(row=1, column=1, value="Police performance return")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    ws.cell(row=find_row(ws, "missing-episodes"), column=column_of(ws, "Q2"), value="401")
    wb.save(xlsx)
    result = import_metrics(loaded, PERIOD, xlsx)
    assert [c.describe() for c in result.changes] == ["missing-episodes, Q2: 402 -> 401"]


def test_cli_export_and_import(root: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "data.xlsx"
    runner = CliRunner()
    out = runner.invoke(
        main, ["data", "export", "--content", str(root), "--period", PERIOD, "--out", str(xlsx)]
    )
    assert out.exit_code == 0, out.output
    assert "4 sheets" in out.output
    wb = load_workbook(xlsx)
    ws = wb["Northmere Constabulary"]
    ws.cell(row=find_row(ws, "missing-episodes"), column=column_of(ws, "Q2"), value=401)
    wb.save(xlsx)
    args = ["data", "import", str(xlsx), "--content", str(root), "--period", PERIOD]
    dry = runner.invoke(main, [*args, "--dry-run"])
    assert dry.exit_code == 0 and "would change 1 figure" in dry.output
    assert "value: 402}" in (root / "reports" / f"{PERIOD}.yaml").read_text()
    done = runner.invoke(main, args)
    assert done.exit_code == 0, done.output
    assert "missing-episodes, Q2: 402 -> 401" in done.output and "changed 1 figure\n" in done.output
    both = runner.invoke(main, [*args, "--year", PERIOD])
    assert both.exit_code == 2 and "either --period" in both.output


# ------------------------------------------------------------------ budget


def test_budget_round_trip_checks_the_total_to_the_penny(root: Path, tmp_path: Path) -> None:
    loaded = load_content(root)
    xlsx = tmp_path / "budget.xlsx"
    export_budget(loaded, PERIOD, xlsx)
    funding = root / "funding.yaml"
    before = funding.read_text(encoding="utf-8")
    assert import_budget(loaded, PERIOD, xlsx).changes == []

    wb = load_workbook(xlsx)
    ws = wb.active
    rows = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
    ws.cell(row=rows["northmere-police"], column=3, value="88,803.01")  # text, with a comma
    ws.cell(row=rows["Total"], column=3, value=544200.00)  # not updated: a penny out
    wb.save(xlsx)
    with pytest.raises(ContentError) as info:
        import_budget(loaded, PERIOD, xlsx)
    [d] = info.value.diagnostics
    assert d.file == f"budget.xlsx!Contributions {PERIOD}!C8"
    assert d.message == (
        "the contributions add up to £544,200.01 but the total is £544,200.00 (a difference of £0.01)"
    )
    assert funding.read_text(encoding="utf-8") == before

    ws.cell(row=rows["Total"], column=3, value="=544200+0.01")
    wb.save(xlsx)
    saved_as_spreadsheet_program(xlsx, {(ws.title, "C8"): "544200.01"})
    result = import_budget(loaded, PERIOD, xlsx)
    assert [c.describe() for c in result.changes] == [
        "2025-26, northmere-police: 88,803.00 -> 88,803.01",
        "2025-26, total: 544,200.00 -> 544,200.01",
    ]
    assert diff(before, funding.read_text(encoding="utf-8")) == [
        "-        amount: 88803.00",
        "+        amount: 88803.01",
        "-    total: 544200.00",
        "+    total: 544200.01",
    ]
    fy = load_content(root).content.funding.year(PERIOD)
    assert fy is not None and fy.total == Decimal("544200.01") == fy.contributions_total


def test_budget_rejects_unknown_partner_and_fractions_of_a_penny(root: Path, tmp_path: Path) -> None:
    loaded = load_content(root)
    csv_file = tmp_path / "budget.csv"
    export_budget(loaded, PERIOD, csv_file)
    text = csv_file.read_text(encoding="utf-8-sig")
    text = text.replace("nev-hospitals,", "nev-hospital,").replace("88803.00", "88803.005")
    csv_file.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        import_budget(loaded, PERIOD, csv_file)
    assert [d.format() for d in info.value.diagnostics] == [
        "budget.csv!C5: northmere-police: more than two decimal places (88803.005)\n"
        "    hint: amounts are in pounds and pence",
        "budget.csv!A6: unknown partner or agency 'nev-hospital'\n    hint: did you mean 'nev-hospitals'?",
    ]


def test_budget_year_must_exist(root: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["data", "export", "--content", str(root), "--year", "2026-27", "--out", str(tmp_path / "b.xlsx")],
    )
    assert result.exit_code == 2
    assert "funding.yaml has no year 2026-27" in result.output


def test_an_edited_definition_is_not_imported_but_said(root: Path, tmp_path: Path) -> None:
    loaded = load_content(root)
    csv_file = tmp_path / "data.csv"
    export_metrics(loaded, PERIOD, csv_file)
    text = csv_file.read_text(encoding="utf-8-sig")
    csv_file.write_text(text.replace("Early help assessments started", "Early help assessments begun"))
    before = (root / "data.yaml").read_bytes()
    result = import_metrics(loaded, PERIOD, csv_file)
    assert result.changes == []
    [warning] = result.warnings
    assert warning.format() == (
        "data.csv!B2: warning: early-help-assessments: the name differs from data.yaml; only figures "
        "are imported\n    hint: to change the metric's name, edit data.yaml"
    )
    assert (root / "data.yaml").read_bytes() == before


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1,146", "1146"), ("£88,803.01", "88803.01"), ("1 146", "1146"), (" 19.4 ", "19.4"), ("-3", "-3")],
)
def test_numbers_stored_as_text(typed: str, expected: str) -> None:
    from masa_docs.spreadsheet import Cell, read_number

    assert read_number(Cell("x.csv!A1", typed)) == (Decimal(expected), None, None)


@pytest.mark.parametrize("typed", ["43,2", "1,14", "12,3456", "about 5", "1.2.3"])
def test_a_decimal_comma_is_never_read_as_thousands(typed: str) -> None:
    from masa_docs.spreadsheet import Cell, read_number

    value, problem, _hint = read_number(Cell("x.csv!A1", typed))
    assert value is None and problem == f"expected a number, found {typed!r}"


def test_export_for_a_period_with_no_report_yet(example, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    xlsx = tmp_path / "next.xlsx"
    export_metrics(example, "2026-27", xlsx)
    ws = load_workbook(xlsx)["Eastvale Council"]
    headings = [c.value for c in ws[3]]
    assert headings[7:] == [
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "Target",
        "Comparator: England",
        "Comparator: England (as of)",
        "Comparator: Statistical neighbours",
        "Comparator: Statistical neighbours (as of)",
    ]
    figures = [c.value for row in ws.iter_rows(min_row=4, min_col=8) for c in row]
    assert figures and all(v is None for v in figures)  # nothing made up, not even 0
    with pytest.raises(MasaError, match="there is no yearly report for 2026-27"):
        import_metrics(example, "2026-27", xlsx)


def test_empty_cells_are_counted_and_said(root: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "next.xlsx"
    result = CliRunner().invoke(
        main, ["data", "export", "--content", str(root), "--period", PERIOD, "--out", str(xlsx)]
    )
    assert result.exit_code == 0
    wb = load_workbook(xlsx)
    ws = wb["Northmere Constabulary"]
    ws.cell(row=find_row(ws, "missing-episodes"), column=column_of(ws, "Q2")).value = None
    wb.save(xlsx)
    out = CliRunner().invoke(main, ["data", "import", str(xlsx), "--content", str(root), "--period", PERIOD])
    assert out.exit_code == 0, out.output
    # The example has 9 figures empty (3 targets and 6 comparators it has no figure for), plus Q2.
    assert "10 empty cells: not known, so nothing was written for them (never 0)" in out.output
    assert (
        "missing-episodes, Q2: the cell is empty, so the figure is not known; the report keeps 402"
        in out.output
    )
    assert "no figures changed" in out.output
