"""The data set and the budget contributions to and from spreadsheets (openpyxl) and CSV.

Export writes a workbook for the people who hold the figures: the metric definitions are
read-only (the sheet is protected; only the figures are unlocked), every figure cell has data
validation, and a Notes sheet says how to fill it in. Import reads a workbook (or CSV) back and
changes only the figures in ``reports/<period>.yaml`` (or one year's contributions in
``funding.yaml``), keeping the file's comments, order and layout. Every bad cell is reported as
``data.xlsx!Sheet!C7: ...``; if there is any, nothing is written.

An empty cell means "not known": it is never read as 0. masa-docs has no "not known" value for a
figure yet, so an empty cell leaves the figure as it is (absent stays absent) and a known figure
whose cell was emptied is reported as a warning.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ContentError, Diagnostic, MasaError, did_you_mean

if TYPE_CHECKING:
    from .load import LoadedContent
    from .model.arrangements import Metric

# Column headings. Import finds the heading row by its first cell, so title and group rows
# above it (merged or not) may be changed freely.
FIXED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "Metric id"),
    ("name", "Metric"),
    ("definition", "Definition"),
    ("unit", "Unit"),
    ("better", "Better"),
    ("source", "Source"),
    ("owner", "Owner"),
)
TARGET = "Target"
COMPARATOR = "Comparator: "
AS_OF = " (as of)"
BUDGET_COLUMNS = ("Partner id", "Partner", "Amount (£)")
TOTAL = "Total"
NOTES_SHEET = "Notes"
UNIT_WORDS = {
    "count": "count (a whole number)",
    "percent": "percent (0 to 100: type 19.4 for 19.4%)",
    "rate_per_10000": "rate per 10,000 children",
    "days": "days",
    "number": "number",
}
PENNY = Decimal("0.01")
MAX_TABLE_BYTES = 20 * 1024 * 1024
_GROUPED = re.compile(r"[-+]?\d{1,3}([,\u00a0\u202f ]\d{3})+(\.\d+)?")
_FIXED_HEADINGS = {h.casefold() for _, h in FIXED_COLUMNS}


# ------------------------------------------------------------------ reading cells


@dataclass(frozen=True)
class Cell:
    """One cell as a spreadsheet program saved it."""

    ref: str  # data.xlsx!Sheet!C7 or data.csv!C7
    value: Any  # the value, or a formula's saved result
    number_format: str = "General"
    formula: str | None = None  # the formula when it has no saved result
    error: str | None = None  # '#DIV/0!' and the like

    @property
    def empty(self) -> bool:
        return self.formula is None and (
            self.value is None or (isinstance(self.value, str) and not self.value.strip())
        )

    def text(self) -> str:
        v = self.value
        if v is None:
            return ""
        if isinstance(v, dt.datetime) and v.time() == dt.time(0):
            return v.date().isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip()


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]]  # rows[0] is spreadsheet row 1


def _col_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def read_table(path: Path) -> list[Sheet]:
    """Every sheet of an .xlsx workbook, or the one table of a .csv file."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise MasaError(f"{path}: file not found")
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise MasaError(
            f"{path}: {path.stat().st_size:,} bytes is more than a data set needs "
            f"(the limit is {MAX_TABLE_BYTES:,})",
            "export a fresh workbook with 'masa-docs data export' and copy the figures into it",
        )
    if suffix == ".csv":
        return [_read_csv(path)]
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise MasaError(
        f"{path}: not a spreadsheet masa-docs can read", "save it as an Excel workbook (.xlsx) or as CSV"
    )


def _read_csv(path: Path) -> Sheet:
    name = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MasaError(f"{path}: not valid UTF-8", "save the CSV as 'CSV UTF-8 (comma delimited)'") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    for r, values in enumerate(csv.reader(io.StringIO(text), dialect)):
        rows.append([Cell(f"{name}!{_col_letter(c)}{r + 1}", v or None) for c, v in enumerate(values)])
    return Sheet(name, rows)


def _read_xlsx(path: Path) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # "Data Validation extension is not supported" and the like: nothing for the user.
            warnings.simplefilter("ignore", UserWarning)
            values = load_workbook(path, data_only=True)
            formulas = load_workbook(path, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise MasaError(
            f"{path}: cannot read the workbook ({exc})", "open it and save it again as .xlsx"
        ) from None
    sheets = []
    for ws in values.worksheets:
        fws = formulas[ws.title]
        rows: list[list[Cell]] = []
        for r, row in enumerate(ws.iter_rows(), start=1):
            cells = []
            for c, cell in enumerate(row):
                ref = f"{path.name}!{ws.title}!{_col_letter(c)}{r}"
                raw = fws.cell(row=r, column=c + 1).value
                formula = raw if isinstance(raw, str) and raw.startswith("=") else None
                value = cell.value
                error = value if cell.data_type == "e" else None
                cells.append(
                    Cell(
                        ref,
                        None if error else value,
                        cell.number_format or "General",
                        formula if value is None else None,
                        error,
                    )
                )
            rows.append(cells)
        sheets.append(Sheet(ws.title, rows))
    return sheets


def _percent(d: Decimal) -> Decimal:
    """0.195 shown as 19.5% -> 19.5 (not 19.500): the digits the person typed."""
    d = _clean_decimal(d * 100).normalize()
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d


def _clean_decimal(d: Decimal) -> Decimal:
    """Drop binary-float noise from a formula's result (0.30000000000000004 -> 0.3)."""
    exp = d.as_tuple().exponent
    if isinstance(exp, int) and exp < -9:
        d = d.quantize(Decimal("1e-9")).normalize()
        if d == d.to_integral_value():
            d = d.quantize(Decimal(1))
    return d


def read_number(cell: Cell, *, percent: bool = False) -> tuple[Decimal | None, str | None, str | None]:
    """(value, problem, hint) for a cell that should hold a number; (None, None, None) when empty."""
    if cell.error:
        return None, f"the cell shows an error ({cell.error})", "correct the formula, or type the figure"
    if cell.formula is not None:
        return (
            None,
            f"the formula {cell.formula} has no saved result",
            "open the file in a spreadsheet program and save it, or type the figure",
        )
    v = cell.value
    if cell.empty:
        return None, None, None
    if isinstance(v, bool):
        return None, f"expected a number, found {'TRUE' if v else 'FALSE'}", None
    if isinstance(v, dt.date | dt.datetime | dt.time):
        return (
            None,
            f"expected a number, found the date {cell.text()}",
            "format the cell as a number (the spreadsheet program took the figure for a date)",
        )
    if isinstance(v, int):
        d = Decimal(v)
        if percent and "%" in cell.number_format:
            d = _percent(d)
        return d, None, None
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return None, "expected a number", None
        d = _clean_decimal(Decimal(repr(v)))
        if percent and "%" in cell.number_format:
            d = _percent(d)
        return d, None, None
    shown = str(v).strip()
    text = shown.removeprefix("£").strip()
    if percent and text.endswith("%"):
        text = text[:-1].strip()
    if _GROUPED.fullmatch(text):  # 1,146 or 1 146: thousands separators, not decimals
        text = re.sub(r"[, \u00a0\u202f]", "", text)
    if "," in text:
        return (
            None,
            f"expected a number, found {shown!r}",
            "use a full stop for decimals (19.4), and commas only between thousands (1,146)",
        )
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None, f"expected a number, found {shown!r}", "type the figure alone, e.g. 19.4"
    if not d.is_finite():
        return None, f"expected a number, found {shown!r}", None
    return d, None, None


# ------------------------------------------------------------------ writing workbooks


def _deterministic(data: bytes, when: dt.datetime) -> bytes:
    """The same workbook bytes for the same content: fixed zip times and document dates."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    lambda m: m.group(1) + stamp.encode() + m.group(2),
                    body,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def _save(wb: Any, out: Path, when: dt.date) -> None:
    from .yaml_edit import write_atomic_bytes

    buf = io.BytesIO()
    wb.properties.creator = "masa-docs"
    wb.save(buf)
    write_atomic_bytes(out, _deterministic(buf.getvalue(), dt.datetime.combine(when, dt.time(0))))


def _sheet_title(name: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "-", name)[:31].strip("' ") or "Sheet"
    base, n = title, 2
    while title.casefold() in used or title.casefold() == NOTES_SHEET.casefold():
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title.casefold())
    return title


def _owner_names(loaded: LoadedContent) -> dict[str, str]:
    c = loaded.content
    names = {a.id: a.name for a in c.agencies.relevant_agencies}
    names.update({p.id: p.name for p in c.partners})
    return names


@dataclass
class _Layout:
    labels: list[str]
    comparators: list[str]

    def headings(self) -> list[str]:
        out = [h for _, h in FIXED_COLUMNS] + self.labels + [TARGET]
        for name in self.comparators:
            out += [COMPARATOR + name, COMPARATOR + name + AS_OF]
        return out


def _layout(loaded: LoadedContent, period: str) -> _Layout:
    c = loaded.content
    report = c.reports.get(period)
    labels: list[str] = []
    comparators: list[str] = []
    if report is None and c.latest_period is not None:  # a new period: the comparators' names
        for m in c.reports[c.latest_period].metrics:
            for comp in m.comparators:
                if comp.name not in comparators:
                    comparators.append(comp.name)
    for m in report.metrics if report is not None else []:
        for v in m.values:
            if v.label not in labels:
                labels.append(v.label)
        for comp in m.comparators:
            if comp.name not in comparators:
                comparators.append(comp.name)
    if not labels:  # a new period: quarters for quarterly metrics, the year for yearly ones
        if any(m.frequency == "quarterly" for m in c.data.metrics):
            labels += ["Q1", "Q2", "Q3", "Q4"]
        if any(m.frequency == "yearly" for m in c.data.metrics):
            labels.append(period)
    return _Layout(labels, comparators)


def _metric_row(metric: Metric, result: Any, layout: _Layout) -> list[Any]:
    row: list[Any] = [
        metric.id,
        metric.name,
        " ".join(metric.definition.split()),
        UNIT_WORDS.get(metric.unit, metric.unit),
        metric.better,
        metric.source,
        metric.owner,
    ]
    values = {v.label: v.value for v in result.values} if result else {}
    row += [_cell_number(values.get(label)) for label in layout.labels]
    row.append(_cell_number(result.target) if result else None)
    comps = {comp.name: comp for comp in result.comparators} if result else {}
    for name in layout.comparators:
        comp = comps.get(name)
        row += [_cell_number(comp.value) if comp else None, comp.as_of if comp else None]
    return row


def _cell_number(d: object) -> int | float | None:
    """A Decimal as the number a spreadsheet stores (never text, so formulas work on it); a
    figure that is not known leaves the cell empty (never 0)."""
    if not isinstance(d, Decimal):
        return None
    exponent = d.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(d)
    return float(d)


def _validation(unit: str) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    common = {"allow_blank": True, "showErrorMessage": True, "errorTitle": "Not a valid figure"}
    if unit == "count":
        return DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            error="A whole number, 0 or more.",
            **common,
        )
    if unit == "percent":
        return DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="100",
            error="A percentage from 0 to 100 (type 19.4 for 19.4%).",
            **common,
        )
    if unit in ("rate_per_10000", "days"):
        return DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            error="A number, 0 or more.",
            **common,
        )
    return DataValidation(
        type="decimal", operator="between", formula1="-1E+15", formula2="1E+15", error="A number.", **common
    )


def export_metrics(loaded: LoadedContent, period: str, out: Path) -> list[str]:
    """Write the data set of ``period`` to ``out`` (.xlsx, or .csv for one flat table).

    Returns the names of the sheets written (one per owner of metrics). For a period with no
    report yet, the figures are empty (a quarter per column), ready to be collected."""
    c = loaded.content
    if period not in c.reports and not re.fullmatch(r"\d{4}-\d{2}", period):
        raise MasaError(f"'{period}' is not a period", "name a period like 2025-26")
    report = c.reports.get(period)
    layout = _layout(loaded, period)
    results = {m.metric: m for m in report.metrics} if report is not None else {}
    headings = layout.headings()
    groups: dict[str, list[Metric]] = {}
    for m in c.data.metrics:
        groups.setdefault(m.owner, []).append(m)
    if out.suffix.lower() == ".csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(headings)
        for metrics in groups.values():
            for m in metrics:
                w.writerow(["" if v is None else v for v in _metric_row(m, results.get(m.id), layout)])
        from .yaml_edit import write_atomic_bytes

        write_atomic_bytes(out, buf.getvalue().encode("utf-8-sig"))
        return [out.name]
    if out.suffix.lower() != ".xlsx":
        raise MasaError(f"{out}: write .xlsx or .csv", "name the output file data.xlsx or data.csv")

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    names = _owner_names(loaded)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    bold = Font(bold=True)
    locked_fill = PatternFill("solid", fgColor="EEEEEE")
    titles = []
    n_fixed = len(FIXED_COLUMNS)
    first_value = n_fixed + 1
    target_col = first_value + len(layout.labels)
    for owner, metrics in groups.items():
        title = _sheet_title(names.get(owner, owner), used)
        titles.append(title)
        ws = wb.create_sheet(title)
        ws["A1"] = (
            f"{c.partnership.short_name}: data set {period}, figures owned by {names.get(owner, owner)}"
        )
        ws["A1"].font = Font(bold=True, size=13)
        # Group headings, merged over their columns (row 2); import ignores this row.
        groups_row = [("About the metric (read only)", 1, n_fixed)]
        if layout.labels:
            groups_row.append(("Values", first_value, target_col - 1))
        groups_row.append(("Target", target_col, target_col))
        if layout.comparators:
            groups_row.append(("Comparators", target_col + 1, target_col + 2 * len(layout.comparators)))
        for text, start, end in groups_row:
            ws.cell(row=2, column=start, value=text).font = bold
            if end > start:
                ws.merge_cells(start_row=2, start_column=start, end_row=2, end_column=end)
        for col, heading in enumerate(headings, start=1):
            cell = ws.cell(row=3, column=col, value=heading)
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        validations: dict[str, Any] = {}
        for r, m in enumerate(metrics, start=4):
            row = _metric_row(m, results.get(m.id), layout)
            dv = validations.get(m.unit)
            if dv is None:
                dv = validations[m.unit] = _validation(m.unit)
                ws.add_data_validation(dv)
            for col, value in enumerate(row, start=1):
                cell = ws.cell(row=r, column=col, value=value)
                cell.alignment = Alignment(wrap_text=col <= n_fixed, vertical="top")
                if col <= n_fixed:
                    cell.fill = locked_fill
                    continue
                cell.protection = Protection(locked=False)
                is_as_of = col > target_col and (col - target_col) % 2 == 0
                if not is_as_of:
                    dv.add(cell.coordinate)
                else:
                    cell.number_format = "@"  # text: '2024-25' must not become a date
        widths = [18, 34, 60, 22, 10, 30, 18]
        for col in range(1, len(headings) + 1):
            ws.column_dimensions[get_column_letter(col)].width = widths[col - 1] if col <= n_fixed else 14
        ws.freeze_panes = ws.cell(row=4, column=first_value)
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
    notes = wb.create_sheet(NOTES_SHEET)
    lines = [
        f"{c.partnership.name}: the multi-agency data set for {period}",
        "",
        "How to fill this in",
        "- Type each figure in the white cells. The grey columns describe the metric and are read only.",
        "- Leave a cell empty when the figure is not known. An empty cell is never read as 0.",
        "- Percentages are numbers from 0 to 100: type 19.4 for 19.4%.",
        "- Comparators: the value, and in the '(as of)' column the year it is for, e.g. 2024-25.",
        "- Do not change the metric ids in column A or the headings in row 3.",
        "- Formulas are fine: the result saved with the workbook is what is read.",
        "",
        f"Bring the figures back with: masa-docs data import FILE.xlsx --period {period}",
        *(
            []
            if report is not None
            else [f"(There is no reports/{period}.yaml yet: it must exist before the figures can go in.)"]
        ),
        "Only the figures change in the report. A wrong cell is reported as FILE!Sheet!C7,",
        "and then nothing is written.",
        "",
        f"Made from the content with fingerprint {loaded.short_fingerprint}.",
        "Sheets: " + ", ".join(titles),
    ]
    for r, line in enumerate(lines, start=1):
        notes.cell(row=r, column=1, value=line).font = bold if r in (1, 3) else Font()
    notes.column_dimensions["A"].width = 110
    notes.protection.sheet = True
    _save(wb, out, report.published_on if report is not None else c.partnership.published_on)
    return titles


# ------------------------------------------------------------------ reading tables back


@dataclass
class Change:
    """One figure that the import changes, for the summary."""

    what: str
    old: str | None
    new: str

    def describe(self) -> str:
        return (
            f"{self.what}: {self.old} -> {self.new}"
            if self.old is not None
            else f"{self.what}: {self.new} (new)"
        )


@dataclass
class ImportResult:
    path: Path
    changes: list[Change] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    layout_kept: bool = True
    empty_cells: int = 0  # figures not known: nothing was written for them


def _diag(cell: Cell, message: str, hint: str | None = None, *, severity: str = "error") -> Diagnostic:
    return Diagnostic(cell.ref, None, None, "", message, hint, severity)  # type: ignore[arg-type]


def _find_heading_row(sheet: Sheet, first: str) -> int | None:
    for i, row in enumerate(sheet.rows[:20]):
        if row and row[0].text().casefold() == first.casefold():
            return i
    return None


@dataclass
class _MetricRow:
    metric: str
    id_cell: Cell
    values: list[tuple[str, Cell]]
    target: Cell | None
    comparators: list[tuple[str, Cell, Cell | None]]
    described: dict[str, Cell] = field(default_factory=dict)  # the read-only columns


def _metric_rows(sheets: list[Sheet], diags: list[Diagnostic]) -> Iterator[_MetricRow]:
    found_any = False
    for sheet in sheets:
        head = _find_heading_row(sheet, FIXED_COLUMNS[0][1])
        if head is None:
            if sheet.name != NOTES_SHEET and any(not c.empty for row in sheet.rows for c in row):
                diags.append(
                    Diagnostic(
                        sheet.rows[0][0].ref.rsplit("!", 1)[0]
                        if sheet.rows and sheet.rows[0]
                        else sheet.name,
                        None,
                        None,
                        "",
                        "no heading row starting with 'Metric id'; the sheet was not read",
                        "keep the headings of the exported workbook, or move this sheet out",
                        "warning",
                    )
                )
            continue
        found_any = True
        headings = sheet.rows[head]
        value_cols: list[tuple[int, str]] = []
        fixed_cols: dict[str, int] = {}
        target_col: int | None = None
        comp_cols: dict[str, int] = {}
        as_of_cols: dict[str, int] = {}
        for col, cell in enumerate(headings):
            text = " ".join(cell.text().split())
            if not text:
                continue
            folded = text.casefold()
            if folded in _FIXED_HEADINGS:
                fixed_cols.update({key: col for key, h in FIXED_COLUMNS if h.casefold() == folded})
                continue
            if folded == TARGET.casefold():
                target_col = col
            elif folded.startswith(COMPARATOR.casefold()):
                name = text[len(COMPARATOR) :].strip()
                if name.casefold().endswith(AS_OF.casefold()):
                    as_of_cols[name[: -len(AS_OF)].strip()] = col
                else:
                    comp_cols[name] = col
            else:
                if any(label == text for _, label in value_cols):
                    diags.append(_diag(cell, f"a second column headed {text!r}", "keep one"))
                value_cols.append((col, text))
        for row in sheet.rows[head + 1 :]:
            if not row or all(c.empty for c in row):
                continue

            def at(col: int | None, row: list[Cell] = row) -> Cell | None:
                return row[col] if col is not None and col < len(row) else None

            id_cell = row[0]
            if id_cell.empty:
                filled = [c for c in row[len(FIXED_COLUMNS) :] if not c.empty]
                if filled:
                    diags.append(_diag(filled[0], "a figure in a row with no metric id", "fill in column A"))
                continue
            for col, cell in enumerate(row):
                no_heading = col >= len(headings) or headings[col].empty
                if no_heading and col >= len(FIXED_COLUMNS) and not cell.empty:
                    diags.append(
                        _diag(cell, "a figure in a column with no heading", "add the heading or move it")
                    )
            yield _MetricRow(
                id_cell.text(),
                id_cell,
                [(label, c) for col, label in value_cols if (c := at(col)) is not None],
                at(target_col),
                [
                    (name, c, at(as_of_cols.get(name)))
                    for name, col in comp_cols.items()
                    if (c := at(col)) is not None
                ],
                {key: c for key, col in fixed_cols.items() if (c := at(col)) is not None},
            )
    if not found_any:
        raise MasaError(
            "no sheet with a heading row starting with 'Metric id'",
            "start from 'masa-docs data export', which writes the headings import needs",
        )


def import_metrics(loaded: LoadedContent, period: str, table: Path, *, dry_run: bool = False) -> ImportResult:
    """Update the figures of ``reports/<period>.yaml`` from a workbook or CSV.

    Only figures change: values per label, targets and comparators (value and 'as of').
    Raises :class:`ContentError` with every bad cell, having written nothing."""
    from .yaml_edit import RoundTripFile, as_decimal, new_map, new_seq

    c = loaded.content
    path = loaded.source.root / "reports" / f"{period}.yaml"
    if period not in c.reports or not path.is_file():
        raise MasaError(
            f"there is no yearly report for {period}",
            did_you_mean(period, sorted(c.reports)) or f"create reports/{period}.yaml first",
        )
    metrics = {m.id: m for m in c.data.metrics}
    diags: list[Diagnostic] = []
    rt = RoundTripFile(path)
    doc = rt.doc
    result = ImportResult(path, layout_kept=rt.exact)
    seen: dict[str, Cell] = {}
    rows = list(_metric_rows(read_table(table), diags))
    for row in rows:
        mid = row.metric
        if mid not in metrics:
            diags.append(
                _diag(
                    row.id_cell,
                    f"unknown metric {mid!r}",
                    did_you_mean(mid, metrics) or "the metric ids are those in data.yaml",
                )
            )
            continue
        if mid in seen:
            diags.append(
                _diag(row.id_cell, f"metric {mid!r} appears again", f"it is first at {seen[mid].ref}")
            )
            continue
        seen[mid] = row.id_cell
        metric = metrics[mid]
        for key in ("name", "definition", "source", "owner"):
            cell = row.described.get(key)
            if (
                cell is not None
                and not cell.empty
                and " ".join(cell.text().split()) != " ".join(str(getattr(metric, key)).split())
            ):
                result.warnings.append(
                    _diag(
                        cell,
                        f"{mid}: the {key} differs from data.yaml; only figures are imported",
                        f"to change the metric's {key}, edit data.yaml",
                        severity="warning",
                    )
                )
        percent = metric.unit == "percent"

        def number(cell: Cell, what: str, metric: Metric = metric, percent: bool = percent) -> Decimal | None:
            value, problem, hint = read_number(cell, percent=percent)
            if problem:
                diags.append(_diag(cell, f"{what}: {problem}", hint))
                return None
            if value is None:
                result.empty_cells += 1
                return None
            bad = _out_of_range(value, metric.unit)
            if bad:
                diags.append(_diag(cell, f"{what}: {bad}"))
                return None
            return value

        new_values = [(label, cell, number(cell, f"{mid}, {label}")) for label, cell in row.values]
        target = number(row.target, f"{mid}, target") if row.target is not None else None
        comps = []
        for name, cell, as_of_cell in row.comparators:
            value = number(cell, f"{mid}, {name}")
            as_of = as_of_cell.text() or None if as_of_cell is not None and not as_of_cell.empty else None
            if as_of_cell is not None and as_of_cell.formula is not None:
                diags.append(_diag(as_of_cell, f"the formula {as_of_cell.formula} has no saved result"))
            comps.append((name, cell, value, as_of, as_of_cell))
        if diags:
            continue

        entry: Any = next((e for e in doc.get("metrics") or [] if e.get("metric") == mid), None)
        item: Any
        if entry is None:
            given = [(lab, val) for lab, _, val in new_values if val is not None]
            if not given:
                if target is not None or any(cv is not None for _, _, cv, _, _ in comps):
                    diags.append(
                        _diag(
                            row.id_cell,
                            f"{mid} has a target or comparator but no values",
                            "a metric in the report needs at least one value",
                        )
                    )
                continue
            if "metrics" not in doc or doc["metrics"] is None:
                doc["metrics"] = new_seq([])
            like = _first_value_item(doc)
            entry = new_map(None, {"metric": mid, "values": new_seq([])})
            for label, gv in given:
                entry["values"].append(new_map(like, {"label": label, "value": gv}))
                result.changes.append(Change(f"{mid}, {label}", None, str(gv)))
            if target is not None:
                entry["target"] = target
                result.changes.append(Change(f"{mid}, target", None, str(target)))
            comp_like = _first_comparator_item(doc)
            for name, _cell, value, as_of, _ in comps:
                if value is not None:
                    fields = {"name": name, "value": value, **({"as_of": as_of} if as_of else {})}
                    entry.setdefault("comparators", new_seq([])).append(new_map(comp_like, fields))
                    result.changes.append(Change(f"{mid}, {name}", None, str(value)))
            doc["metrics"].append(entry)
            continue

        values_seq = entry.get("values")
        if values_seq is None:
            values_seq = entry["values"] = new_seq([])
        for label, cell, v in new_values:
            item = next((i for i in values_seq if str(i.get("label")) == label), None)
            if v is None:
                if item is not None and cell.empty and not _unknown(item.get("value")):
                    result.warnings.append(_emptied(cell, f"{mid}, {label}", item.get("value")))
                continue
            if item is None:
                values_seq.append(
                    new_map(values_seq[0] if values_seq else None, {"label": label, "value": v})
                )
                result.changes.append(Change(f"{mid}, {label}", None, str(v)))
            elif as_decimal(item.get("value")) != v:
                result.changes.append(Change(f"{mid}, {label}", str(item.get("value")), str(v)))
                item["value"] = v
        if row.target is not None:
            old = as_decimal(entry.get("target"))
            if target is None:
                if old is not None and row.target.empty and not _unknown(entry.get("target")):
                    result.warnings.append(_emptied(row.target, f"{mid}, target", entry.get("target")))
            elif old != target:
                result.changes.append(
                    Change(f"{mid}, target", None if old is None else str(entry["target"]), str(target))
                )
                if "target" in entry:
                    entry["target"] = target
                else:
                    entry.insert(list(entry).index("values") + 1, "target", target)
        for name, cell, value, as_of, _ in comps:
            seq = entry.get("comparators")
            citem: Any = next((i for i in seq or [] if str(i.get("name")) == name), None)
            if citem is None:
                if value is None:
                    continue
                if seq is None:
                    keys = list(entry)
                    pos = keys.index("target") + 1 if "target" in entry else keys.index("values") + 1
                    entry.insert(pos, "comparators", new_seq([]))
                    seq = entry["comparators"]
                new = {"name": name, "value": value, **({"as_of": as_of} if as_of else {})}
                seq.append(new_map(_first_comparator_item(doc), new))
                result.changes.append(Change(f"{mid}, {name}", None, str(value)))
                continue
            if value is None:
                if cell.empty and not _unknown(citem.get("value")):
                    result.warnings.append(_emptied(cell, f"{mid}, {name}", citem.get("value")))
            elif as_decimal(citem.get("value")) != value:
                result.changes.append(Change(f"{mid}, {name}", str(citem.get("value")), str(value)))
                citem["value"] = value
            if as_of is not None and str(citem.get("as_of") or "") != as_of:
                result.changes.append(Change(f"{mid}, {name} (as of)", citem.get("as_of"), as_of))
                if "as_of" in citem:
                    citem["as_of"] = as_of
                else:
                    citem.insert(list(citem).index("value") + 1, "as_of", as_of)
    if diags:
        raise ContentError(sorted(diags, key=_ref_order))
    if result.changes and not dry_run:
        _check_and_write(loaded, path, rt.dump())
    return result


def _ref_order(d: Diagnostic) -> tuple[str, int, int, str]:
    """Sheet, then row, then column: the order a person reads a workbook in."""
    where, _, cell = d.file.rpartition("!")
    m = re.fullmatch(r"([A-Z]+)(\d+)", cell)
    if not m:
        return (d.file, 0, 0, d.message)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return (where, int(m.group(2)), col, d.message)


def _first_value_item(doc: Any) -> Any:
    for e in doc.get("metrics") or []:
        for item in e.get("values") or []:
            return item
    return None


def _first_comparator_item(doc: Any) -> Any:
    for e in doc.get("metrics") or []:
        for item in e.get("comparators") or []:
            return item
    return None


def _unknown(node: Any) -> bool:
    """A YAML value recorded as not known ('unknown: <reason>'): an empty cell agrees with it."""
    return isinstance(node, dict) and "unknown" in node


def _emptied(cell: Cell, what: str, old: Any) -> Diagnostic:
    return _diag(
        cell,
        f"{what}: the cell is empty, so the figure is not known; the report keeps {old}",
        "if the figure is not known, write it as not known in the YAML by hand, e.g. "
        "{unknown: not collected} (it is never written as 0)",
        severity="warning",
    )


def _out_of_range(value: Decimal, unit: str) -> str | None:
    if unit == "count" and (value < 0 or value != value.to_integral_value()):
        return f"a count is a whole number, 0 or more (found {value})"
    if unit == "percent" and not (0 <= value <= 100):
        return f"a percentage is from 0 to 100 (found {value}; type 19.4 for 19.4%)"
    if unit in ("rate_per_10000", "days") and value < 0:
        return f"cannot be negative (found {value})"
    return None


def _check_and_write(loaded: LoadedContent, path: Path, text: str) -> None:
    """Validate the whole content with the new file in place (in a copy), then write it."""
    from .load import load_content
    from .yaml_edit import write_atomic

    root = loaded.source.root
    with tempfile.TemporaryDirectory(prefix="masa-import-") as tmp:
        copy = Path(tmp) / "content"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".*"))
        rel = path.relative_to(root)
        (copy / rel).write_text(text, encoding="utf-8")
        try:
            load_content(copy)
        except ContentError as exc:

            def original(name: str) -> str:
                try:
                    return str(root / Path(name).resolve().relative_to(copy.resolve()))
                except (ValueError, OSError):
                    return name

            raise ContentError(
                [
                    Diagnostic(
                        original(d.file),
                        d.line,
                        d.column,
                        d.field_path,
                        d.message + " (after the import; nothing was written)",
                        d.hint,
                        d.severity,
                        d.code,
                    )
                    for d in exc.diagnostics
                ]
            ) from None
    write_atomic(path, text)


# ------------------------------------------------------------------ budget contributions


def _funding_year(loaded: LoadedContent, year: str) -> Any:
    fy = loaded.content.funding.year(year)
    if fy is None:
        years = [y.year for y in loaded.content.funding.years]
        raise MasaError(
            f"funding.yaml has no year {year}",
            did_you_mean(year, years)
            or "add the year to funding.yaml first (start, end, pooled_fund, expenditure); "
            f"years there: {', '.join(years)}",
        )
    return fy


def export_budget(loaded: LoadedContent, year: str, out: Path) -> None:
    """Write one year's contributions to ``out`` (.xlsx or .csv): partner, name, amount, total."""
    fy = _funding_year(loaded, year)
    names = _owner_names(loaded)
    rows = [(ct.partner, names.get(ct.partner, ct.partner), ct.amount) for ct in fy.contributions]
    if out.suffix.lower() == ".csv":
        from .yaml_edit import write_atomic_bytes

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(BUDGET_COLUMNS)
        for pid, name, amount in rows:
            w.writerow([pid, name, f"{amount:.2f}"])
        w.writerow([TOTAL, "", f"{fy.total:.2f}"])
        write_atomic_bytes(out, buf.getvalue().encode("utf-8-sig"))
        return
    if out.suffix.lower() != ".xlsx":
        raise MasaError(f"{out}: write .xlsx or .csv", "name the output file budget.xlsx or budget.csv")
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(f"Contributions {year}", set())
    ws["A1"] = f"{loaded.content.partnership.short_name}: contributions to the shared budget, {year}"
    ws["A1"].font = Font(bold=True, size=13)
    for col, heading in enumerate(BUDGET_COLUMNS, start=1):
        ws.cell(row=2, column=col, value=heading).font = Font(bold=True)
    dv = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not an amount",
        error="An amount in pounds, 0 or more, to the penny.",
    )
    ws.add_data_validation(dv)
    grey = PatternFill("solid", fgColor="EEEEEE")
    for r, (pid, name, amount) in enumerate([*rows, (TOTAL, "", fy.total)], start=3):
        ws.cell(row=r, column=1, value=pid).fill = grey
        ws.cell(row=r, column=2, value=name).fill = grey
        cell = ws.cell(row=r, column=3, value=float(amount))
        cell.number_format = "#,##0.00"
        cell.protection = Protection(locked=False)
        dv.add(cell.coordinate)
    ws.cell(row=len(rows) + 3, column=1).font = Font(bold=True)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 16
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    notes = wb.create_sheet(NOTES_SHEET)
    for r, line in enumerate(
        [
            f"Contributions to the shared budget for {year}",
            "- Type each partner's contribution in pounds and pence. Leave it empty if not known.",
            "- Type the agreed total in the Total row. It must equal the contributions to the penny.",
            "- To add a contributor, insert a row above Total with its id",
            "  (from partners.yaml or agencies.yaml).",
            "- A contributor left out of this sheet keeps its amount in funding.yaml.",
            "- Support in kind and the expenditure lines are not in this sheet: edit funding.yaml.",
            f"Bring it back with: masa-docs data import FILE.xlsx --year {year}",
        ],
        start=1,
    ):
        notes.cell(row=r, column=1, value=line)
    notes.column_dimensions["A"].width = 100
    notes.protection.sheet = True
    _save(wb, out, fy.end)


def import_budget(loaded: LoadedContent, year: str, table: Path, *, dry_run: bool = False) -> ImportResult:
    """Update one year's contributions (and total) in ``funding.yaml`` from a workbook or CSV.

    The total in the Total row must equal the contributions to the penny (Decimal arithmetic)."""
    from .yaml_edit import RoundTripFile, as_decimal, new_map

    c = loaded.content
    _funding_year(loaded, year)
    path = loaded.source.root / "funding.yaml"
    known = {p.id for p in c.partners} | {a.id for a in c.agencies.relevant_agencies}
    diags: list[Diagnostic] = []
    sheets = read_table(table)
    sheet, head = next(
        ((s, h) for s in sheets if (h := _find_heading_row(s, BUDGET_COLUMNS[0])) is not None), (None, None)
    )
    if sheet is None or head is None:
        raise MasaError(
            "no sheet with a heading row starting with 'Partner id'",
            f"start from 'masa-docs data export --year {year}', which writes the headings import needs",
        )
    amount_col = next(
        (i for i, cell in enumerate(sheet.rows[head]) if cell.text().casefold().startswith("amount")), None
    )
    if amount_col is None:
        raise MasaError(f"{sheet.rows[head][0].ref}: no 'Amount (£)' column in the heading row")
    amounts: list[tuple[str, Cell, Decimal | None]] = []
    total_cell: Cell | None = None
    seen: dict[str, Cell] = {}
    for row in sheet.rows[head + 1 :]:
        if not row or all(cell.empty for cell in row):
            continue
        id_cell = row[0]
        amount_cell = row[amount_col] if amount_col < len(row) else Cell(id_cell.ref, None)
        pid = id_cell.text()
        if pid.casefold() == TOTAL.casefold():
            total_cell = amount_cell
            continue
        if not pid:
            if not amount_cell.empty:
                diags.append(_diag(amount_cell, "an amount in a row with no partner id", "fill in column A"))
            continue
        if pid not in known:
            diags.append(
                _diag(
                    id_cell,
                    f"unknown partner or agency {pid!r}",
                    did_you_mean(pid, known) or "use an id from partners.yaml or agencies.yaml",
                )
            )
            continue
        if pid in seen:
            diags.append(_diag(id_cell, f"{pid!r} appears again", f"it is first at {seen[pid].ref}"))
            continue
        seen[pid] = id_cell
        amounts.append((pid, amount_cell, _money(amount_cell, pid, diags)))
    total: Decimal | None = None
    if total_cell is None:
        diags.append(
            Diagnostic(
                sheet.name,
                None,
                None,
                "",
                "no Total row",
                "add a row with 'Total' in column A and the agreed total",
            )
        )
    elif total_cell.empty:
        diags.append(
            _diag(
                total_cell,
                "the total is empty",
                "type the agreed total; it is checked against the contributions",
            )
        )
    else:
        total = _money(total_cell, "total", diags)
    rt = RoundTripFile(path)
    result = ImportResult(path, layout_kept=rt.exact)
    ydoc = next(y for y in rt.doc["years"] if str(y.get("year")) == year)
    contribs = ydoc["contributions"]
    new_sum = Decimal("0")
    for pid, cell, amount in amounts:
        item: Any = next((i for i in contribs if i.get("partner") == pid), None)
        if amount is None:
            old = as_decimal(item.get("amount")) if item is not None else None
            if old is not None:
                new_sum += old
                if cell.empty:
                    result.warnings.append(_emptied(cell, f"{pid}, amount", item.get("amount")))
            continue
        new_sum += amount
        if item is None:
            contribs.append(
                new_map(contribs[0] if len(contribs) else None, {"partner": pid, "amount": amount})
            )
            result.changes.append(Change(f"{year}, {pid}", None, f"{amount:,.2f}"))
        elif as_decimal(item.get("amount")) != amount:
            result.changes.append(
                Change(f"{year}, {pid}", f"{as_decimal(item.get('amount')):,.2f}", f"{amount:,.2f}")
            )
            item["amount"] = amount
    # Contributors in funding.yaml but not in the sheet stay, and count towards the total.
    listed = {pid for pid, _, _ in amounts}
    for item in contribs:
        if item.get("partner") not in listed:
            new_sum += as_decimal(item.get("amount")) or Decimal("0")
    if total is not None and total_cell is not None and not diags:
        if total != new_sum:
            diags.append(
                _diag(
                    total_cell,
                    f"the contributions add up to £{new_sum:,.2f} but the total is £{total:,.2f} "
                    f"(a difference of £{abs(total - new_sum):,.2f})",
                    "correct the total or a contribution so they agree to the penny",
                )
            )
        elif as_decimal(ydoc.get("total")) != total:
            result.changes.append(
                Change(f"{year}, total", f"{as_decimal(ydoc.get('total')):,.2f}", f"{total:,.2f}")
            )
            ydoc["total"] = total
    if diags:
        raise ContentError(sorted(diags, key=_ref_order))
    if result.changes and not dry_run:
        _check_and_write(loaded, path, rt.dump())
    return result


def _money(cell: Cell, what: str, diags: list[Diagnostic]) -> Decimal | None:
    value, problem, hint = read_number(cell)
    if problem:
        diags.append(_diag(cell, f"{what}: {problem}", hint))
        return None
    if value is None:
        return None
    if value < 0:
        diags.append(_diag(cell, f"{what}: an amount cannot be negative (found {value})"))
        return None
    if value != value.quantize(PENNY):
        diags.append(
            _diag(cell, f"{what}: more than two decimal places ({value})", "amounts are in pounds and pence")
        )
        return None
    return value.quantize(PENNY)
