"""Read CSV and XLSX files the way schools and departments really send them.

Real 表 arrive in UTF-8, UTF-8 with a BOM (Excel's "CSV UTF-8"), or GBK/GB18030 (Excel's plain "CSV"
on a Chinese Windows); with commas, tabs or semicolons; with a title such as "XX区教师信息登记表" and
a blank row above the headers; with ID numbers that must stay exactly as typed. ``read_table`` turns
any of them into a :class:`RawTable` of text cells whose index is the row number a person sees in
the file, so that every later error can say "row 7".
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import itertools
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal, TypeVar, cast

import charset_normalizer
import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from connectors._text import float_to_text

__all__ = [
    "SUPPORTED_SUFFIXES",
    "EmptyFileError",
    "FileDrop",
    "FileReadError",
    "RawTable",
    "ReadNotice",
    "SheetNotFoundError",
    "TableStream",
    "UnreadableFileError",
    "UnsupportedFormatError",
    "iter_folder",
    "open_table",
    "read_table",
]

_T = TypeVar("_T")

FileFormat = Literal["csv", "xlsx", "xls", "ods"]

SUPPORTED_SUFFIXES: dict[str, FileFormat] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".ods": "ods",
}
# An OpenDocument spreadsheet is a ZIP whose first member, stored uncompressed, is this mimetype.
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

# Rows searched for the header row; real forms put at most a few title and note rows above it.
HEADER_SCAN_ROWS = 30
CSV_DELIMITERS = (",", "\t", ";", "|")

_ZIP_MAGIC = b"PK\x03\x04"
# OLE2 compound files: legacy .xls, and also password-protected .xlsx (Excel encrypts into OLE2).
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Excel keeps 15 significant digits; an integer this large typed as a number has lost digits.
_EXCEL_EXACT_LIMIT = 10**15

_NUMBER_RE = re.compile(r"[-+]?(\d[\d,]*)?(\.\d+)?%?")
_DATE_RE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}(\s*[-/.月]\s*\d{1,2}\s*日?)?.*")
_BRACKETED_RE = re.compile(r"\(.*?\)")
_LINE_BREAK_RE = re.compile(r"\s*[\r\n]+\s*")
# Every character str.strip() removes; the last of them is U+3000 IDEOGRAPHIC SPACE.
_WHITESPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())
_QUOTED_LITERAL_RE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


# --- values -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ReadNotice:
    """Something about a file a person should know, though the file was read.

    ``code`` is one of ``header_only`` (no data rows), ``duplicate_header`` (renamed ``名称_2``),
    ``unnamed_column`` (data under a blank header, named ``column_<letter>``) and ``precision_loss``
    (Excel stored a long digit string such as an ID number as a number and dropped digits).
    """

    code: str
    message_zh: str
    message_en: str
    row: int | None = None
    column: str | None = None


@dataclass(frozen=True, kw_only=True, eq=False)
class RawTable:
    """A table read from a file: text cells under the file's own headers.

    ``frame`` has one ``str`` column per header, in file order; every cell is a string with
    surrounding whitespace removed, and an empty cell is the empty string ``""`` (never NA). Its
    index, named ``row``, is the 1-based row number in the file as a spreadsheet shows it (title
    rows, blank rows and the header row count), so errors can name the row a person will look at.
    Fully empty rows are dropped. ``header_row`` is the 1-based row number of the header row.
    """

    headers: tuple[str, ...]
    frame: pd.DataFrame
    encoding: str | None
    sheet: str | None
    header_row: int
    file_format: FileFormat
    filename: str | None = None
    delimiter: str | None = None
    notices: tuple[ReadNotice, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when the file holds headers but no data rows (a valid, empty table)."""
        return len(self.frame) == 0


@dataclass(frozen=True, kw_only=True, eq=False)
class FileDrop:
    """A new file found in a drop folder: either its ``table`` or the ``error`` reading it."""

    path: Path
    sha256: str
    table: RawTable | None
    error: FileReadError | None = None


# --- errors -------------------------------------------------------------------------------------


class FileReadError(ValueError):
    """A file could not be read as a table. The message says what to change, in Chinese and English."""

    def __init__(self, *, filename: str | None, message_zh: str, message_en: str) -> None:
        self.filename = filename
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{message_zh} / {message_en}")


class EmptyFileError(FileReadError):
    """The file (or sheet) has no cells with content at all."""

    def __init__(self, *, filename: str | None, sheet: str | None = None) -> None:
        self.sheet = sheet
        where_zh = f"工作表“{sheet}”" if sheet else "文件"
        where_en = f"sheet {sheet!r}" if sheet else "the file"
        super().__init__(
            filename=filename,
            message_zh=f"{_name_zh(filename)}：{where_zh}是空的，没有表头也没有数据",
            message_en=f"{_name_en(filename)}: {where_en} is empty, with neither headers nor data",
        )


class UnreadableFileError(FileReadError):
    """The bytes are not a readable CSV/XLSX: a broken workbook, undecodable text, binary data."""

    def __init__(self, *, filename: str | None, problem_zh: str, problem_en: str, detail: str = "") -> None:
        self.problem_zh = problem_zh
        self.problem_en = problem_en
        self.detail = detail
        suffix = f" ({detail})" if detail else ""
        super().__init__(
            filename=filename,
            message_zh=f"{_name_zh(filename)}无法读取：{problem_zh}",
            message_en=f"{_name_en(filename)} cannot be read: {problem_en}{suffix}",
        )


class UnsupportedFormatError(FileReadError):
    """The file is of a kind this reader does not take (PDF, Word, legacy .xls ...)."""

    def __init__(self, *, filename: str | None, detected: str, hint_zh: str = "", hint_en: str = "") -> None:
        self.detected = detected
        hint_zh = hint_zh or "请另存为 CSV 或 Excel 工作簿（.xlsx）后再上传"
        hint_en = hint_en or "save it as CSV or as an Excel workbook (.xlsx) and upload that"
        super().__init__(
            filename=filename,
            message_zh=f"{_name_zh(filename)}的格式（{detected}）不受支持，{hint_zh}",
            message_en=f"{_name_en(filename)} has an unsupported format ({detected}); {hint_en}",
        )


class TooManyRowsError(FileReadError):
    """The file holds more rows than the caller takes (``max_rows``); reading stopped there."""

    def __init__(self, *, filename: str | None, max_rows: int) -> None:
        self.max_rows = max_rows
        super().__init__(
            filename=filename,
            message_zh=f"{_name_zh(filename)}超过 {max_rows} 行（含空行），请删除多余的空行或拆分成几个文件",
            message_en=f"{_name_en(filename)} has more than {max_rows} rows (blank ones included): "
            "delete the blank rows or split it into several files",
        )


class SheetNotFoundError(FileReadError, LookupError):
    """The workbook has no sheet of the requested name; ``available`` lists the ones it has."""

    def __init__(self, *, filename: str | None, sheet: str, available: tuple[str, ...]) -> None:
        self.sheet = sheet
        self.available = available
        names = "、".join(available)
        super().__init__(
            filename=filename,
            message_zh=f"{_name_zh(filename)}中没有名为“{sheet}”的工作表（现有：{names}）",
            message_en=f"{_name_en(filename)} has no sheet named {sheet!r} (it has: {', '.join(available)})",
        )


def _name_zh(filename: str | None) -> str:
    return f"文件“{filename}”" if filename else "上传的文件"


def _name_en(filename: str | None) -> str:
    return f"file {filename!r}" if filename else "the uploaded file"


# --- public functions ---------------------------------------------------------------------------

# Rows a stream hands over at a time: enough that per-chunk costs vanish, few enough that memory stays
# flat whatever the size of the file.
CHUNK_ROWS = 50_000

Source = Path | bytes | BinaryIO


def read_table(
    source: Source,
    *,
    filename: str | None = None,
    sheet: str | None = None,
    expected_headers: Iterable[str] = (),
    max_rows: int | None = None,
) -> RawTable:
    """Read a CSV or XLSX file (a path, its bytes or a binary file) into a :class:`RawTable` of text cells.

    The format comes from the content (an XLSX is a ZIP archive), else from ``filename``'s suffix.
    ``sheet`` picks an XLSX sheet by name (default: the first). ``expected_headers`` (labels the
    caller knows, e.g. the standard's labels and synonyms) help find the header row under title
    rows. ``max_rows`` bounds the rows read, header and blank rows included (:class:`TooManyRowsError`
    past it): an XLSX can declare a million empty rows in a few megabytes. Raises a
    :class:`FileReadError` subclass naming the file and what is wrong. The whole table is held in
    memory: for large files use :func:`open_table`, which hands it over in chunks.
    """
    opened = _open(
        source, filename=filename, sheet=sheet, expected_headers=expected_headers, max_rows=max_rows
    )
    grid = _concat(list(opened.grids))
    return _finish_table(
        opened.header_cells,
        grid,
        header_row=opened.header_row,
        filename=opened.filename,
        encoding=opened.encoding,
        sheet=opened.sheet,
        file_format=opened.file_format,
        delimiter=opened.delimiter,
        precision_losses=opened.precision_losses,
    )


def open_table(
    source: Source,
    *,
    filename: str | None = None,
    sheet: str | None = None,
    expected_headers: Iterable[str] = (),
    max_rows: int | None = None,
    chunk_rows: int | None = None,
) -> TableStream:
    """Open a CSV or XLSX file as a :class:`TableStream`: its headers now, its rows in chunks.

    Reads as :func:`read_table` does, with the same errors, but never holds the file, its text or all
    its rows: a CSV is checked for its encoding in one pass of 1 MiB blocks, then parsed
    ``chunk_rows`` records at a time (default :data:`CHUNK_ROWS`); an XLSX is read row by row. Errors about the start of the file
    (format, encoding, no header) are raised here; errors further in (a quote never closed, too many
    rows, a damaged sheet) while the chunks are read. Legacy .xls and .ods sheets are loaded whole
    by calamine (an .xls holds at most 65,536 rows) and handed over in chunks.
    """
    opened = _open(
        source,
        filename=filename,
        sheet=sheet,
        expected_headers=expected_headers,
        max_rows=max_rows,
        chunk_rows=chunk_rows or CHUNK_ROWS,
    )
    return TableStream(opened)


class TableStream:
    """A table read chunk by chunk: its headers at once, its rows as they come, its notices at the end.

    ``headers`` names every column the header row spans (a column without a header is
    ``column_<letter>``, as in :class:`RawTable`). Each chunk of :meth:`chunks` is a frame of ``str``
    cells under those headers (and under ``column_<letter>`` for data beyond them), indexed by the
    row number a person sees, fully empty rows left out. ``notices`` and ``blank_columns`` (columns
    without a header that held no data, which :func:`read_table` leaves out) are complete once every
    chunk has been read.
    """

    def __init__(self, opened: _Opened) -> None:
        self._opened = opened
        self.filename = opened.filename
        self.encoding = opened.encoding
        self.sheet = opened.sheet
        self.header_row = opened.header_row
        self.file_format = opened.file_format
        self.delimiter = opened.delimiter
        self._width = max(opened.width, len(_trim(opened.header_cells)))
        self._names = self._name_columns()
        self.headers: tuple[str, ...] = tuple(self._names)
        self._has_data: set[int] = set()
        self.rows = 0
        self._done = False

    def _name_columns(self) -> list[str]:
        kept, _ = _layout(
            self._opened.header_cells,
            self._width,
            has_data=_EVERY_COLUMN,
            header_row=self.header_row,
            precision_losses=[],
        )
        return [name for _, name in kept]

    def chunks(self) -> Iterator[pd.DataFrame]:
        """The rows, ``chunk_rows`` at a time (read once: a second call yields nothing)."""
        for grid in self._opened.grids:
            if len(grid.columns) > self._width:
                self._width = len(grid.columns)
                self._names = self._name_columns()
            grid = grid.reindex(columns=range(self._width), fill_value="")
            for position in range(self._width):
                if position not in self._has_data and bool((grid[position] != "").any()):
                    self._has_data.add(position)
            grid.columns = pd.Index(self._names, dtype=object)
            self.rows += len(grid)
            yield grid
        self._done = True

    @property
    def notices(self) -> tuple[ReadNotice, ...]:
        """What a person should know about the file (complete once every chunk was read)."""
        _, notices = _layout(
            self._opened.header_cells,
            self._width,
            has_data=self._has_data,
            header_row=self.header_row,
            precision_losses=self._opened.precision_losses,
        )
        if self._done and self.rows == 0:
            notices.append(_header_only(self.header_row))
        return tuple(notices)

    @property
    def blank_columns(self) -> tuple[str, ...]:
        """Columns without a header and without data (spacers), once every chunk was read."""
        named = {
            position
            for position, _ in _layout(
                self._opened.header_cells,
                self._width,
                has_data=self._has_data,
                header_row=self.header_row,
                precision_losses=[],
            )[0]
        }
        return tuple(name for position, name in enumerate(self._names) if position not in named)


def iter_folder(
    folder: Path,
    seen_hashes: Collection[str],
    *,
    pattern: str = "*",
    sheet: str | None = None,
    expected_headers: Iterable[str] = (),
    min_age_seconds: float = 0.0,
) -> Iterator[FileDrop]:
    """Yield each new CSV/XLSX file in ``folder`` once, judged by the SHA-256 of its content.

    Files whose hash is in ``seen_hashes`` are skipped, as are copies of a file already yielded in
    this pass; the caller records a hash once it has ingested the drop. A file that cannot be read
    is yielded with ``error`` set, so one bad file never blocks the rest. Hidden files, Office lock
    files (``~$…``) and files modified less than ``min_age_seconds`` ago (still being copied in) are
    left for a later pass. ``pattern`` (a glob such as ``"教师*.xlsx"``) lets one folder feed several
    sources; ``sheet`` names the XLSX sheet to read. Files come in name order; sub-folders are not
    searched.
    """
    expected = tuple(expected_headers)
    yielded: set[str] = set()
    now = time.time()
    for path in sorted(folder.glob(pattern)):
        if path.name.startswith((".", "~$")) or path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        if not path.is_file() or now - path.stat().st_mtime < min_age_seconds:
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen_hashes or digest in yielded:
            continue
        yielded.add(digest)
        try:
            table = read_table(data, filename=path.name, sheet=sheet, expected_headers=expected)
        except FileReadError as error:
            yield FileDrop(path=path, sha256=digest, table=None, error=error)
        else:
            yield FileDrop(path=path, sha256=digest, table=table)


# --- format and encoding ------------------------------------------------------------------------


def _detect_format(data: bytes, filename: str | None) -> FileFormat:
    suffix = Path(filename).suffix.lower() if filename else ""
    if data.startswith(_OLE2_MAGIC):
        # A legacy .xls workbook, or an .xlsx Excel encrypted with a password (told apart on reading).
        return "xls"
    if data.startswith(_ZIP_MAGIC) and (
        suffix == ".ods" or data[30:38] == b"mimetype" and _ODS_MIMETYPE in data[:100]
    ):
        return "ods"
    if data.startswith(_ZIP_MAGIC):
        if suffix in ("", ".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
            # Trust the content: a workbook renamed to .csv is still a workbook.
            return "xlsx"
        raise UnsupportedFormatError(filename=filename, detected=suffix)
    if suffix in (".xlsx", ".xlsm"):
        if not data.strip():
            raise EmptyFileError(filename=filename)
        raise UnreadableFileError(
            filename=filename,
            problem_zh="文件扩展名是 Excel 工作簿，但内容不是有效的 .xlsx（文件可能已损坏或下载不完整）",
            problem_en="it is named as an Excel workbook but is not a valid .xlsx "
            "(the file may be damaged or incompletely downloaded)",
            detail="not a ZIP archive",
        )
    if suffix and suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormatError(filename=filename, detected=suffix)
    return "csv"


@dataclass(eq=False, kw_only=True)
class _Opened:
    """What a format's reader found before the first data row, and the rows to come."""

    header_cells: list[str]
    header_row: int
    width: int
    grids: Iterator[pd.DataFrame]  # positional columns, index = row numbers, empty rows left out
    file_format: FileFormat
    filename: str | None
    encoding: str | None = None
    sheet: str | None = None
    delimiter: str | None = None
    precision_losses: list[tuple[int, int]] = field(default_factory=list)


class _Everything:
    def __contains__(self, item: object) -> bool:
        return True


_EVERY_COLUMN: Any = _Everything()


class _Borrowed(io.BufferedIOBase):
    """A caller's binary file read from its start, and never closed here (the caller owns it)."""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self._raw = raw
        raw.seek(0)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def read(self, size: int | None = -1) -> bytes:
        return self._raw.read(-1 if size is None else size)

    def read1(self, size: int = -1) -> bytes:
        return self._raw.read(size)

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        pass


Opener = Callable[[], BinaryIO]


def _opener(source: Source) -> Opener:
    if isinstance(source, Path):
        path = source
        return lambda: path.open("rb")
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        return lambda: io.BytesIO(data)
    raw = source
    return lambda: cast(BinaryIO, _Borrowed(raw))


def _open(
    source: Source,
    *,
    filename: str | None,
    sheet: str | None,
    expected_headers: Iterable[str],
    max_rows: int | None,
    chunk_rows: int = CHUNK_ROWS,
) -> _Opened:
    if isinstance(source, Path):
        filename = filename or source.name
    opener = _opener(source)
    with opener() as raw:
        head = raw.read(65536)
    file_format = _detect_format(head, filename)
    expected = tuple(expected_headers)
    if file_format == "xlsx":
        return _open_xlsx(
            opener,
            filename=filename,
            sheet=sheet,
            expected=expected,
            max_rows=max_rows,
            chunk_rows=chunk_rows,
        )
    if file_format in ("xls", "ods"):
        return _open_calamine(
            opener,
            file_format,
            filename=filename,
            sheet=sheet,
            expected=expected,
            max_rows=max_rows,
            chunk_rows=chunk_rows,
        )
    return _open_csv(opener, filename=filename, expected=expected, max_rows=max_rows, chunk_rows=chunk_rows)


_BLANK_BYTES = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"
_SCAN_BLOCK = 1 << 20


@dataclass(frozen=True, kw_only=True)
class _Scan:
    error: UnicodeDecodeError | None
    error_at: int
    blank_bytes: bool
    nul: bool
    blank_text: bool


def _scan(opener: Opener, codec: str) -> _Scan:
    """Decode the whole file with `codec` in 1 MiB blocks, keeping nothing but what it found."""
    decoder = codecs.getincrementaldecoder(codec)()
    offset, blank_bytes, nul, blank_text = 0, True, False, True
    with opener() as raw:
        while True:
            block = raw.read(_SCAN_BLOCK)
            final = not block
            if blank_bytes and block.strip(_BLANK_BYTES):
                blank_bytes = False
            try:
                text = decoder.decode(block, final=final)
            except UnicodeDecodeError as error:
                return _Scan(
                    error=error,
                    error_at=offset + max(error.start, 0),
                    blank_bytes=blank_bytes,
                    nul=nul,
                    blank_text=blank_text,
                )
            offset += len(block)
            nul = nul or "\x00" in text
            if blank_text and text.strip():
                blank_text = False
            if final:
                return _Scan(error=None, error_at=0, blank_bytes=blank_bytes, nul=nul, blank_text=blank_text)


def _detect_encoding(opener: Opener, filename: str | None) -> tuple[str, str]:
    """Return (codec to read with, encoding to report). Strict UTF-8 first: GB18030 accepts most byte
    strings, UTF-8 few."""
    with opener() as raw:
        head = raw.read(_SCAN_BLOCK)
    candidates = [("utf-16", "utf-16")] if head.startswith((b"\xff\xfe", b"\xfe\xff")) else []
    utf8 = "utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else "utf-8"
    candidates += [("utf-8-sig", utf8), ("gb18030", "gb18030")]
    first_error: _Scan | None = None
    found: tuple[str, str, _Scan] | None = None
    for codec, name in candidates:
        scan = _scan(opener, codec)
        if scan.blank_bytes and scan.error is None:
            raise EmptyFileError(filename=filename)
        if scan.error is None:
            found = (codec, name, scan)
            break
        if codec.startswith("utf-8"):
            first_error = scan
    if found is None:
        best = charset_normalizer.from_bytes(head).best()
        if best is not None and best.encoding:
            scan = _scan(opener, best.encoding)
            if scan.error is None:
                found = (best.encoding, best.encoding, scan)
    if found is None:
        error = first_error.error if first_error and first_error.error else None
        raise UnreadableFileError(
            filename=filename,
            problem_zh="无法识别文字编码（不是 UTF-8，也不是 GBK/GB18030），请用 Excel 另存为“CSV UTF-8”",
            problem_en="the text encoding is not UTF-8 or GBK/GB18030; save it from Excel as 'CSV UTF-8'",
            detail=f"byte {first_error.error_at}: {error.reason}" if first_error and error else "",
        )
    codec, name, scan = found
    if scan.nul:
        raise UnreadableFileError(
            filename=filename,
            problem_zh="文件包含二进制数据，不是文本格式的 CSV",
            problem_en="it contains binary data and is not a text CSV file",
            detail="NUL character in text",
        )
    if scan.blank_text:
        raise EmptyFileError(filename=filename)
    return codec, name


def _text(opener: Opener, codec: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(opener(), encoding=codec, newline="")


# --- CSV ----------------------------------------------------------------------------------------


def _open_csv(
    opener: Opener, *, filename: str | None, expected: tuple[str, ...], max_rows: int | None, chunk_rows: int
) -> _Opened:
    codec, encoding = _detect_encoding(opener, filename)
    suffix = Path(filename).suffix.lower() if filename else ""
    with _text(opener, codec) as text:
        sample = text.read(65537)
    delimiter = "\t" if suffix == ".tsv" else _sniff_delimiter(sample)
    with _text(opener, codec) as text:
        reader = csv.reader(text, delimiter=delimiter)
        try:
            head = [[cell.strip() for cell in row] for row in itertools.islice(reader, HEADER_SCAN_ROWS)]
        except csv.Error as error:
            raise _malformed_csv(filename, reader.line_num, error) from error
    header_index = _find_header_row(head, expected)
    if header_index is None:
        raise EmptyFileError(filename=filename)
    width = max(len(row) for row in head)
    return _Opened(
        header_cells=head[header_index],
        header_row=header_index + 1,
        width=width,
        grids=_csv_grids(
            opener,
            codec,
            delimiter=delimiter,
            width=width,
            header_index=header_index,
            chunk_rows=chunk_rows,
            max_rows=max_rows,
            filename=filename,
        ),
        file_format="csv",
        filename=filename,
        encoding=encoding,
        delimiter=delimiter,
    )


def _malformed_csv(filename: str | None, line: int, error: Exception) -> UnreadableFileError:
    return UnreadableFileError(
        filename=filename,
        problem_zh=f"CSV 格式有误（第 {line} 行附近，可能有未配对的引号）",
        problem_en=f"malformed CSV near line {line} (perhaps an unbalanced quote)",
        detail=str(error),
    )


def _csv_grids(
    opener: Opener,
    codec: str,
    *,
    delimiter: str,
    width: int,
    header_index: int,
    chunk_rows: int,
    max_rows: int | None,
    filename: str | None,
) -> Iterator[pd.DataFrame]:
    """Parse with pandas' C reader, about five times faster than the csv module, chunk by chunk.

    With blank lines kept, pandas yields one record per CSV record as the csv module does (a quoted
    line break stays inside its record), so record order gives the spreadsheet row number. A row
    wider than the first rows stops the C reader: the csv module, which copes with ragged rows,
    takes over from the first record not yet handed over.
    """
    first_data_row = header_index + 2
    done = 0  # records handed over (or skipped) so far
    try:
        with (
            opener() as raw,
            pd.read_csv(
                raw,
                encoding=codec,
                sep=delimiter,
                header=None,
                names=list(range(width)),
                dtype=str,
                na_filter=False,
                skip_blank_lines=False,
                index_col=False,
                engine="c",
                chunksize=chunk_rows,
            ) as reader,
        ):
            for frame in reader:
                frame.index = pd.RangeIndex(done + 1, done + 1 + len(frame), name="row")
                done += len(frame)
                grid = _tidy(frame.loc[first_data_row:])
                _check_rows(grid, max_rows, filename)
                if len(grid):
                    yield grid
        return
    except pd.errors.ParserError as error:
        unclosed = re.search(r"EOF inside string starting at row (\d+)", str(error))
        if unclosed:
            # Read on, the rest of the file would silently become one cell.
            row = int(unclosed.group(1)) + 1
            raise UnreadableFileError(
                filename=filename,
                problem_zh=f"第 {row} 行有一个引号没有闭合，其后的内容无法分行",
                problem_en=f"a quote opened in row {row} is never closed, so the rows after it cannot be told apart",
                detail=str(error),
            ) from error
    except UnicodeDecodeError as error:
        raise _undecodable(filename, error) from error
    yield from _csv_grids_slow(
        opener,
        codec,
        delimiter=delimiter,
        skip=max(done, first_data_row - 1),
        chunk_rows=chunk_rows,
        max_rows=max_rows,
        filename=filename,
    )


def _csv_grids_slow(
    opener: Opener,
    codec: str,
    *,
    delimiter: str,
    skip: int,
    chunk_rows: int,
    max_rows: int | None,
    filename: str | None,
) -> Iterator[pd.DataFrame]:
    with _text(opener, codec) as text:
        reader = csv.reader(text, delimiter=delimiter)
        rows = enumerate(([cell.strip() for cell in row] for row in reader), start=1)
        try:
            for batch in _batched(itertools.islice(rows, skip, None), chunk_rows):
                grid = _grid_from_rows(batch)
                _check_rows(grid, max_rows, filename)
                if len(grid):
                    yield grid
        except csv.Error as error:
            raise _malformed_csv(filename, reader.line_num, error) from error
        except UnicodeDecodeError as error:
            raise _undecodable(filename, error) from error


def _undecodable(filename: str | None, error: UnicodeDecodeError) -> UnreadableFileError:
    return UnreadableFileError(
        filename=filename,
        problem_zh="无法识别文字编码（不是 UTF-8，也不是 GBK/GB18030），请用 Excel 另存为“CSV UTF-8”",
        problem_en="the text encoding is not UTF-8 or GBK/GB18030; save it from Excel as 'CSV UTF-8'",
        detail=str(error),
    )


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells without surrounding whitespace, fully empty rows left out."""
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    return frame[(frame != "").any(axis=1)]


def _check_rows(grid: pd.DataFrame, max_rows: int | None, filename: str | None) -> None:
    if max_rows is not None and len(grid) and int(grid.index[-1]) > max_rows:
        raise TooManyRowsError(filename=filename, max_rows=max_rows)


def _batched(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _concat(grids: list[pd.DataFrame]) -> pd.DataFrame:
    if not grids:
        return _grid_from_rows(())
    if len(grids) == 1:
        return grids[0]
    width = max(len(grid.columns) for grid in grids)
    return pd.concat([grid.reindex(columns=range(width), fill_value="") for grid in grids])


def _grid_from_rows(rows: Iterable[tuple[int, list[str]]]) -> pd.DataFrame:
    """Build the cells below the header from (row number, cells) pairs, leaving out empty rows."""
    numbers: list[int] = []
    data: list[list[str]] = []
    width = 0
    for number, row in rows:
        trimmed = _trim(row)
        if trimmed:
            numbers.append(number)
            data.append(trimmed)
            width = max(width, len(trimmed))
    columns: list[list[str]] = [[] for _ in range(width)]
    for row in data:
        row_width = len(row)
        for index in range(width):
            columns[index].append(row[index] if index < row_width else "")
    return pd.DataFrame(
        {index: pd.array(values, dtype="str") for index, values in enumerate(columns)},
        index=pd.Index(numbers, name="row", dtype="int64"),
        columns=list(range(width)),
    )


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the most rows into the same number (>1) of fields."""
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best, best_score = ",", (0, 0)
    for delimiter in CSV_DELIMITERS:
        try:
            widths = Counter(
                len(row)
                for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
                if any(cell.strip() for cell in row)
            )
        except csv.Error:
            continue
        for width, count in widths.items():
            if width > 1 and (count, width) > best_score:
                best, best_score = delimiter, (count, width)
    return best


# --- XLSX ---------------------------------------------------------------------------------------


def _open_xlsx(
    opener: Opener,
    *,
    filename: str | None,
    sheet: str | None,
    expected: tuple[str, ...],
    max_rows: int | None,
    chunk_rows: int,
) -> _Opened:
    precision_losses: list[tuple[int, int]] = []
    handle = opener()
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds (BadZipFile, KeyError, XML errors) for one cause
        handle.close()
        raise _broken_workbook(filename, error) from error
    try:
        worksheets = list(workbook.worksheets)
        names = tuple(str(ws.title) for ws in worksheets)
        if sheet is not None:
            if sheet not in names:
                raise SheetNotFoundError(filename=filename, sheet=sheet, available=names)
            worksheet = worksheets[names.index(sheet)]
        elif worksheets:
            worksheet = worksheets[0]
        else:
            raise EmptyFileError(filename=filename)
        sheet_name = str(worksheet.title)
        # Some writers record a wrong sheet size; read what is really there.
        worksheet.reset_dimensions()
        rows = _xlsx_rows(worksheet, precision_losses)
        if max_rows is not None:
            rows = _at_most(rows, max_rows, filename)
        head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
        header_index = _find_header_row(head, expected)
        if header_index is None:
            raise EmptyFileError(filename=filename, sheet=sheet_name)
    except BaseException as error:
        workbook.close()
        handle.close()
        if isinstance(error, FileReadError) or not isinstance(error, Exception):
            raise
        raise _broken_workbook(filename, error) from error

    def grids() -> Iterator[pd.DataFrame]:
        try:
            numbered = itertools.chain(enumerate(head, start=1), enumerate(rows, start=len(head) + 1))
            for batch in _batched(itertools.islice(numbered, header_index + 1, None), chunk_rows):
                grid = _grid_from_rows(batch)
                if len(grid):
                    yield grid
        except FileReadError:
            raise
        except Exception as error:  # a damaged sheet part fails only while rows are parsed
            raise _broken_workbook(filename, error) from error
        finally:
            workbook.close()
            handle.close()

    return _Opened(
        header_cells=head[header_index],
        header_row=header_index + 1,
        width=len(head[header_index]),
        grids=grids(),
        file_format="xlsx",
        filename=filename,
        sheet=sheet_name,
        precision_losses=precision_losses,
    )


def _open_calamine(
    opener: Opener,
    file_format: FileFormat,
    *,
    filename: str | None,
    sheet: str | None,
    expected: tuple[str, ...],
    max_rows: int | None,
    chunk_rows: int,
) -> _Opened:
    """A legacy Excel .xls or an OpenDocument .ods (WPS, LibreOffice) read by calamine, as an XLSX is."""
    import python_calamine

    try:
        with opener() as handle:
            workbook = python_calamine.CalamineWorkbook.from_filelike(handle)
    except Exception as error:  # calamine raises its own kinds (CalamineError, ZipError, XmlError …)
        with opener() as handle:
            data = handle.read()
        if data.startswith(_OLE2_MAGIC) and b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00" in data:
            raise UnsupportedFormatError(
                filename=filename,
                detected="加密的 Excel 工作簿 / password-protected workbook",
                hint_zh="请在 Excel 中取消密码并另存为 .xlsx 或 CSV 后再上传",
                hint_en="remove the password and save it as .xlsx or CSV in Excel, then upload that",
            ) from error
        raise _broken_workbook(filename, error) from error
    names = tuple(str(name) for name in workbook.sheet_names)
    if sheet is not None and sheet not in names:
        raise SheetNotFoundError(filename=filename, sheet=sheet, available=names)
    if not names:
        raise EmptyFileError(filename=filename)
    sheet_name = sheet if sheet is not None else names[0]
    precision_losses: list[tuple[int, int]] = []
    try:
        found = workbook.get_sheet_by_name(sheet_name)
        values = found.to_python(skip_empty_area=False)
        top, left = found.start if found.start else (0, 0)
    except Exception as error:
        raise _broken_workbook(filename, error) from error

    def cells() -> Iterator[list[str]]:
        for _ in range(top):
            yield []
        for row_number, raw in enumerate(values, start=top + 1):
            row = [""] * left
            for column_index, value in enumerate(raw, start=left):
                if isinstance(value, float) and value.is_integer() and abs(value) >= _EXCEL_EXACT_LIMIT:
                    precision_losses.append((row_number, column_index))
                row.append("" if value == "" else _format_cell(value, None))
            yield row

    rows: Iterator[list[str]] = cells()
    if max_rows is not None:
        rows = _at_most(rows, max_rows, filename)
    head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
    header_index = _find_header_row(head, expected)
    if header_index is None:
        raise EmptyFileError(filename=filename, sheet=sheet_name)

    def grids() -> Iterator[pd.DataFrame]:
        numbered = itertools.chain(enumerate(head, start=1), enumerate(rows, start=len(head) + 1))
        for batch in _batched(itertools.islice(numbered, header_index + 1, None), chunk_rows):
            grid = _grid_from_rows(batch)
            if len(grid):
                yield grid

    return _Opened(
        header_cells=head[header_index],
        header_row=header_index + 1,
        width=len(head[header_index]),
        grids=grids(),
        file_format=file_format,
        filename=filename,
        sheet=sheet_name,
        precision_losses=precision_losses,
    )


def _broken_workbook(filename: str | None, error: Exception) -> UnreadableFileError:
    return UnreadableFileError(
        filename=filename,
        problem_zh="Excel 工作簿已损坏或不完整，请在 Excel 中打开确认后重新保存为 .xlsx",
        problem_en="the Excel workbook is damaged or incomplete; open it in Excel and save it again as .xlsx",
        detail=f"{type(error).__name__}: {error}",
    )


def _at_most(rows: Iterator[list[str]], max_rows: int, filename: str | None) -> Iterator[list[str]]:
    for count, row in enumerate(rows, start=1):
        if count > max_rows:
            raise TooManyRowsError(filename=filename, max_rows=max_rows)
        yield row


def _xlsx_rows(worksheet: Any, precision_losses: list[tuple[int, int]]) -> Iterator[list[str]]:
    for row_number, cells in enumerate(worksheet.iter_rows(), start=1):
        row: list[str] = []
        for column_index, cell in enumerate(cells):
            value = cell.value
            if isinstance(value, float) and value.is_integer() and abs(value) >= _EXCEL_EXACT_LIMIT:
                precision_losses.append((row_number, column_index))
            row.append(_format_cell(value, getattr(cell, "number_format", None)))
        yield row


def _format_cell(value: object, number_format: str | None) -> str:
    """Render a cell value as the text a person typed or sees, in ISO form for dates."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _format_float(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return _format_date(value.date(), number_format)
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return _format_date(value, number_format)
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value).strip()


def _format_float(value: float) -> str:
    if value.is_integer() and abs(value) < _EXCEL_EXACT_LIMIT:
        return str(int(value))
    # Excel shows at most 15 significant digits; binary noise beyond them (0.30000000000000004) is not data.
    return float_to_text(value, significant_digits=15)


def _format_date(value: dt.date, number_format: str | None) -> str:
    # A cell formatted as year and month only (yyyy-mm, yyyy"年"m"月") holds a 年月 such as 参加工作年月.
    if number_format:
        pattern = _QUOTED_LITERAL_RE.sub("", number_format).lower()
        if "y" in pattern and "m" in pattern and "d" not in pattern and "h" not in pattern:
            return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


# --- building the table -------------------------------------------------------------------------


def _finish_table(
    header_cells: list[str],
    grid: pd.DataFrame,
    *,
    header_row: int,
    filename: str | None,
    encoding: str | None,
    sheet: str | None,
    file_format: FileFormat,
    delimiter: str | None,
    precision_losses: list[tuple[int, int]] | None = None,
) -> RawTable:
    """Name the columns of ``grid`` (positional columns 0..n) after the header row, with notices."""
    has_data = {index for index in grid.columns if bool((grid[index] != "").any())}
    kept, notices = _layout(
        header_cells,
        len(grid.columns),
        has_data=has_data,
        header_row=header_row,
        precision_losses=precision_losses or [],
    )
    if grid.empty:
        notices.append(_header_only(header_row))
    empty_column = pd.Series([""] * len(grid), index=grid.index, dtype="str")
    frame = pd.DataFrame(
        {
            position: (grid[index] if index in grid.columns else empty_column).to_numpy()
            for position, (index, _) in enumerate(kept)
        },
        index=pd.Index(grid.index, name="row", dtype="int64"),
        dtype="str",
    )
    headers = [name for _, name in kept]
    frame.columns = pd.Index(headers, dtype=object)
    return RawTable(
        headers=tuple(headers),
        frame=frame,
        encoding=encoding,
        sheet=sheet,
        header_row=header_row,
        file_format=file_format,
        filename=filename,
        delimiter=delimiter,
        notices=tuple(notices),
    )


def _header_only(header_row: int) -> ReadNotice:
    return ReadNotice(
        code="header_only",
        message_zh=f"只有表头（第 {header_row} 行），没有数据行",
        message_en=f"the file has headers (row {header_row}) but no data rows",
        row=header_row,
    )


def _layout(
    header_cells: list[str],
    width: int,
    *,
    has_data: Collection[int],
    header_row: int,
    precision_losses: list[tuple[int, int]],
) -> tuple[list[tuple[int, str]], list[ReadNotice]]:
    """The columns kept, as (position, name), and the notices about them: a column without a header
    is kept (as ``column_<letter>``) only when it holds data; a repeated header is numbered."""
    raw_headers = [_clean_header(cell) for cell in _trim(header_cells)]
    width = max(len(raw_headers), width)
    raw_headers += [""] * (width - len(raw_headers))
    notices: list[ReadNotice] = []
    kept: list[tuple[int, str]] = []
    seen: Counter[str] = Counter()
    for index, header in enumerate(raw_headers):
        letter = get_column_letter(index + 1)
        if not header:
            if index not in has_data:
                continue  # a spacer column: no header, no data
            header = f"column_{letter}"
            notices.append(
                ReadNotice(
                    code="unnamed_column",
                    message_zh=f"第 {letter} 列没有表头但有数据，暂命名为“{header}”",
                    message_en=f"column {letter} has data but no header; it is named {header!r}",
                    row=header_row,
                    column=header,
                )
            )
        seen[header] += 1
        if seen[header] > 1:
            renamed = f"{header}_{seen[header]}"
            while renamed in seen:
                seen[header] += 1
                renamed = f"{header}_{seen[header]}"
            seen[renamed] += 1
            notices.append(
                ReadNotice(
                    code="duplicate_header",
                    message_zh=f"表头“{header}”重复出现，第 {letter} 列改名为“{renamed}”",
                    message_en=f"header {header!r} appears more than once; column {letter} is named {renamed!r}",
                    row=header_row,
                    column=renamed,
                )
            )
            header = renamed
        kept.append((index, header))
        losses = [row for row, col in precision_losses if col == index and row > header_row]
        if losses:
            notices.append(
                ReadNotice(
                    code="precision_loss",
                    message_zh=f"“{header}”列有 {len(losses)} 个超过 15 位的数字（首个在第 {losses[0]} 行），"
                    "Excel 按数值保存时已丢失末尾数字；身份证号等请设为文本格式后重新填写",
                    message_en=f"column {header!r} has {len(losses)} numbers longer than 15 digits (first in "
                    f"row {losses[0]}) that Excel stored as numbers, losing the last digits; format such "
                    "columns (ID numbers) as text and enter them again",
                    row=losses[0],
                    column=header,
                )
            )
    return kept, notices


def _trim(row: list[str]) -> list[str]:
    end = len(row)
    while end and not row[end - 1]:
        end -= 1
    return row[:end]


def _clean_header(cell: str) -> str:
    # Headers wrapped onto two lines in a cell ("出生\n日期") read as one label.
    def join(match: re.Match[str]) -> str:
        before = match.string[match.start() - 1] if match.start() else ""
        after = match.string[match.end()] if match.end() < len(match.string) else ""
        return " " if before.isascii() and after.isascii() else ""

    return _LINE_BREAK_RE.sub(join, cell).strip()


def _find_header_row(rows: list[list[str]], expected: tuple[str, ...]) -> int | None:
    """Index of the header row among the first rows of a sheet, or None when all are empty.

    With ``expected`` labels, the row matching most of them. Otherwise the first row holding at
    least 70% as many label-like cells as the fullest row: title rows hold one cell, form lines
    such as "填报单位：…" hold colons, data rows hold numbers and dates, and the 70% keeps a data
    row with a value under a blank header from outranking the header above it.
    """
    wanted = {key for key in (_header_key(label) for label in expected) if key}
    non_empty = [index for index, row in enumerate(rows) if any(row)]
    if not non_empty:
        return None
    if wanted:
        matches = {
            index: len({_header_key(cell) for cell in rows[index] if cell} & wanted) for index in non_empty
        }
        best = max(matches.values())
        if best > 0:
            return next(index for index in non_empty if matches[index] == best)
    labels = {
        index: sum(1 for cell in rows[index] if cell and _looks_like_label(cell)) for index in non_empty
    }
    threshold = max(2, int(0.7 * max(labels.values())))
    return next((index for index in non_empty if labels[index] >= threshold), non_empty[0])


def _header_key(label: str) -> str:
    key = unicodedata.normalize("NFKC", label).casefold()
    key = _BRACKETED_RE.sub("", key)
    return "".join(ch for ch in key if not ch.isspace() and ch not in "*＊:：")


def _looks_like_label(cell: str) -> bool:
    if ":" in cell or "：" in cell:
        return False
    return not (_NUMBER_RE.fullmatch(cell) or _DATE_RE.fullmatch(cell))
