"""Tables written as CSV (RFC 4180), French CSV, or XLSX — from integer cents and grams.

Money and weights are never floats here: a cell is the exact decimal of an integer
(`Decimal(cents).scaleb(-2)`), written as text in CSV and as a number with a display format in
XLSX. openpyxl is imported on first use only (idle footprint, targets P7).
"""

from __future__ import annotations

import contextlib
import csv
import enum
import io
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

UTF8_BOM = "\ufeff"
# Excel's last row is 1,048,576; the header takes one.
XLSX_MAX_ROWS = 1_048_575
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
# A spreadsheet runs a cell starting with these as a formula (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ExportFormat(enum.StrEnum):
    """csv: RFC 4180, UTF-8, '.' decimals, ISO dates. csv-fr: ';', ',' decimals, UTF-8 BOM,
    dd/mm/yyyy dates (French Excel and LibreOffice). xlsx: an Excel workbook."""

    CSV = "csv"
    CSV_FR = "csv-fr"
    XLSX = "xlsx"

    @property
    def media_type(self) -> str:
        return XLSX_MEDIA_TYPE if self is ExportFormat.XLSX else CSV_MEDIA_TYPE

    @property
    def extension(self) -> str:
        return "xlsx" if self is ExportFormat.XLSX else "csv"


class Kind(enum.Enum):
    TEXT = "text"
    INT = "int"
    BOOL = "bool"
    GRAMS = "grams"  # written as kilograms, 3 decimals
    CENTS = "cents"  # written as euros, 2 decimals
    BASIS_POINTS = "bp"  # written as a percentage, 2 decimals
    DATE = "date"
    TIMESTAMP = "timestamp"  # aware UTC datetime, written in the site's time zone


_SCALE = {Kind.GRAMS: -3, Kind.CENTS: -2, Kind.BASIS_POINTS: -2}
_XLSX_FORMATS = {
    Kind.GRAMS: "0.000",
    Kind.CENTS: "#,##0.00",
    Kind.BASIS_POINTS: "0.00",
    Kind.DATE: "dd/mm/yyyy",
    Kind.TIMESTAMP: "dd/mm/yyyy hh:mm:ss",
}


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    width: int = 14  # XLSX column width, in characters


def exact_decimal(value: int, kind: Kind) -> Decimal:
    """12500 g → Decimal('12.500'); 1250 cents → Decimal('12.50') (exact, fixed decimals)."""
    return Decimal(int(value)).scaleb(_SCALE[kind])


class CsvEncoder:
    """Rows → bytes, one batch at a time (the writer keeps no rows)."""

    def __init__(self, columns: Sequence[Column], fmt: ExportFormat, timezone: str) -> None:
        self.columns = list(columns)
        self.french = fmt is ExportFormat.CSV_FR
        self.tz = ZoneInfo(timezone)
        self.delimiter = ";" if self.french else ","

    def header(self) -> bytes:
        """The header line (after a BOM in csv-fr, so Excel reads UTF-8)."""
        text = self._encode([[c.name for c in self.columns]])
        return ((UTF8_BOM if self.french else "") + text).encode("utf-8")

    def encode(self, rows: Iterable[Sequence[Any]]) -> bytes:
        """Some rows as CSV lines (CRLF, quoted only when needed)."""
        kinds = [c.kind for c in self.columns]
        return self._encode(
            [self.cell(v, k) for v, k in zip(row, kinds, strict=True)] for row in rows
        ).encode("utf-8")

    def _encode(self, rows: Iterable[Sequence[str]]) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=self.delimiter, lineterminator="\r\n")
        writer.writerows(rows)
        return buffer.getvalue()

    def cell(self, value: Any, kind: Kind) -> str:
        """One value as text."""
        if value is None:
            return ""
        if kind in _SCALE:
            text = format(exact_decimal(value, kind), "f")
            return text.replace(".", ",") if self.french else text
        if kind is Kind.INT:
            return str(int(value))
        if kind is Kind.BOOL:
            return ("oui" if value else "non") if self.french else ("true" if value else "false")
        if kind is Kind.DATE:
            return str(value.strftime("%d/%m/%Y") if self.french else value.isoformat())
        if kind is Kind.TIMESTAMP:
            local: datetime = value.astimezone(self.tz)
            if self.french:
                return local.strftime("%d/%m/%Y %H:%M:%S")
            return local.isoformat(timespec="seconds")
        text = str(value)
        # A text someone typed must never run as a formula in the spreadsheet that opens the
        # file (CSV injection): prefixed with ' in both CSV flavours, as OWASP advises.
        if text.startswith(_FORMULA_START):
            return "'" + text
        return text


class XlsxWriter:
    """A write-only openpyxl workbook saved to `path`: rows go to temporary files as they are
    appended, so memory stays flat whatever the number of rows. Synchronous (call it from a
    worker thread in async code)."""

    def __init__(self, path: Path | BinaryIO, timezone: str) -> None:
        from openpyxl import Workbook

        self.path = path
        self.tz = ZoneInfo(timezone)
        self.book = Workbook(write_only=True)
        self.sheet: Any = None
        self.columns: list[Column] = []
        self.title = ""
        self.rows_in_sheet = 0
        self.sheets = 0

    def add_sheet(self, title: str, columns: Sequence[Column]) -> None:
        """A new sheet with a bold header and its column widths."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self.title, self.columns = title, list(columns)
        self.sheets += 1
        # Sheet titles are at most 31 characters.
        self.sheet = self.book.create_sheet(title[:31])
        for index, column in enumerate(self.columns):
            letter = _column_letter(index + 1)
            self.sheet.column_dimensions[letter].width = column.width
        self.sheet.freeze_panes = "A2"
        header = []
        for column in self.columns:
            cell = WriteOnlyCell(self.sheet, value=column.name)
            cell.font = Font(bold=True)
            header.append(cell)
        self.sheet.append(header)
        self.rows_in_sheet = 0

    def append(self, rows: Iterable[Sequence[Any]]) -> None:
        """Some rows; a sheet that is full continues on a new one ("… (2)")."""
        for row in rows:
            if self.rows_in_sheet >= XLSX_MAX_ROWS:
                base = self.title.split(" (")[0]
                self.add_sheet(f"{base} ({self.sheets + 1})", self.columns)
            self.sheet.append(
                [self.cell(v, c.kind) for v, c in zip(row, self.columns, strict=True)]
            )
            self.rows_in_sheet += 1

    def append_pairs(self, title: str, pairs: Iterable[tuple[str, Any, Kind]]) -> None:
        """A two-column sheet of labelled values (a summary in French)."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        sheet = self.book.create_sheet(title[:31])
        sheet.column_dimensions["A"].width = 36
        sheet.column_dimensions["B"].width = 28
        for label, value, kind in pairs:
            name = WriteOnlyCell(sheet, value=label)
            name.font = Font(bold=True)
            sheet.append([name, self.cell(value, kind, sheet=sheet)])

    def cell(self, value: Any, kind: Kind, *, sheet: Any = None) -> Any:
        """A cell with an exact value and, for numbers and dates, a display format."""
        from openpyxl.cell import WriteOnlyCell

        if value is None:
            return None
        if kind in _SCALE:
            value = exact_decimal(value, kind)
        elif kind is Kind.TIMESTAMP:
            # Excel has no time zones: the site's local time, as people read it.
            value = value.astimezone(self.tz).replace(tzinfo=None)
        elif kind is Kind.DATE and isinstance(value, datetime):
            value = value.date()
        elif kind is Kind.TEXT:
            # XML 1.0 cannot hold most control characters: one of them would cut the file.
            value = _XLSX_ILLEGAL.sub("", str(value))
        cell = WriteOnlyCell(sheet if sheet is not None else self.sheet, value=value)
        if kind is Kind.TEXT:
            cell.data_type = "s"  # a typed "=…" stays text, never a formula
        elif kind in _XLSX_FORMATS:
            cell.number_format = _XLSX_FORMATS[kind]
        return cell

    def save(self) -> None:
        """Write the workbook to `path`."""
        self.book.save(self.path)


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def discard_xlsx(writer: XlsxWriter) -> None:
    """Remove the temporary files of a workbook that will not be saved (a client that went
    away mid-download); openpyxl would otherwise only remove them at exit."""
    for sheet in getattr(writer.book, "worksheets", []):
        sheet_writer = getattr(sheet, "_writer", None)
        if sheet_writer is None:
            continue
        with contextlib.suppress(Exception):
            sheet_writer.xf.close()
        with contextlib.suppress(OSError):
            os.remove(sheet_writer.out)
