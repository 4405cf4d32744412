"""Reading CSV/XLSX files as schools send them: encodings, title rows, Excel's number habits, bad files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.files import (
    EmptyFileError,
    FileReadError,
    SheetNotFoundError,
    TooManyRowsError,
    UnreadableFileError,
    UnsupportedFormatError,
    iter_folder,
    open_table,
    read_table,
)

TEACHERS = [
    ["姓名", "性别", "公民身份号码", "出生日期"],
    ["李堃", "男", "11010519491231002X", "1949-12-31"],
    ["王芳", "女", "110101199003070014", "1990-03-07"],
]


def _csv_bytes(rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def _xlsx_bytes(
    rows: Sequence[Sequence[object]], *, title: str = "Sheet1", formats: dict[str, str] | None = None
) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for coordinate, number_format in (formats or {}).items():
        sheet[coordinate].number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _records(table_frame: object) -> list[list[str]]:
    assert isinstance(table_frame, pd.DataFrame)
    return [list(row) for row in table_frame.itertuples(index=False)]


# --- encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_reads_teachers_in_each_encoding(encoding: str, reported: str) -> None:
    table = read_table(_csv_bytes(TEACHERS, encoding), filename="teachers.csv")

    assert table.encoding == reported
    assert table.headers == tuple(TEACHERS[0])
    assert _records(table.frame) == TEACHERS[1:]
    assert list(table.frame.index) == [2, 3]


def test_gb18030_keeps_characters_outside_gbk() -> None:
    # 𠀀 (CJK Ext. B) and 䶮 (Ext. A) have four-byte GB18030 codes; a GBK-only reader would garble them.
    rows = [["姓名", "备注"], ["王𠀀", "䶮"], ["刘䶮", "堃"]]
    table = read_table(_csv_bytes(rows, "gb18030"), filename="rare.csv")

    assert table.encoding == "gb18030"
    assert _records(table.frame) == rows[1:]


def test_utf16_tab_text_from_excel_unicode_export() -> None:
    data = _csv_bytes(TEACHERS, "utf-16", delimiter="\t")
    table = read_table(data, filename="teachers.txt")

    assert table.encoding == "utf-16"
    assert table.delimiter == "\t"
    assert _records(table.frame) == TEACHERS[1:]


# --- delimiters, quoting, layout ----------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_sniffs_the_delimiter(delimiter: str) -> None:
    rows = [["姓名", "学校地址", "备注"], ["张三", "北京市东城区,1号", "含;分号"], ["李四", "上海市", ""]]
    table = read_table(_csv_bytes(rows, delimiter=delimiter), filename="data.csv")

    assert table.delimiter == delimiter
    assert _records(table.frame) == rows[1:]


def test_quoted_line_breaks_keep_spreadsheet_row_numbers() -> None:
    text = '姓名,学校地址\n张三,"北京市\n东城区"\n李四,上海市\n'
    table = read_table(text.encode(), filename="a.csv")

    assert _records(table.frame) == [["张三", "北京市\n东城区"], ["李四", "上海市"]]
    # As Excel shows it: the two-line cell is one row, so 李四 is row 3.
    assert list(table.frame.index) == [2, 3]


def test_header_found_under_a_title_row_and_blank_row() -> None:
    text = "XX区教师信息登记表,,,\n,,,\n姓名,性别,公民身份号码,出生日期\n张三,男,110101199003070014,1990-03-07\n,,,\n李四,女,11010519491231002X,1949-12-31\n,,,\n"
    table = read_table(text.encode("gbk"), filename="登记表.csv")

    assert table.header_row == 3
    assert table.headers == ("姓名", "性别", "公民身份号码", "出生日期")
    assert list(table.frame.index) == [4, 6]
    assert table.frame.loc[6, "姓名"] == "李四"


def test_expected_headers_decide_between_a_notes_row_and_the_header_row() -> None:
    rows = [
        ["填表说明", "带*为必填", "日期格式为年-月-日", "数据截至9月1日"],
        ["*姓名", "性别", "出生日期（年-月-日）"],
        ["张三", "男", "1990-03-07"],
    ]
    data = _csv_bytes(rows)

    assert read_table(data).header_row == 1  # four label-like cells beat three without a hint
    table = read_table(data, expected_headers=["姓名", "出生日期", "民族"])
    assert table.header_row == 2
    assert table.headers == ("*姓名", "性别", "出生日期（年-月-日）")


def test_form_lines_above_the_header_are_not_taken_for_it() -> None:
    rows = [
        ["XX区教师信息登记表", "", ""],
        ["填报单位：第一中学", "填报人：张老师", "填报日期：2024-09-01"],
        ["姓名", "性别", "备注"],
        ["张三", "男", "新调入", "借调至教育局"],
    ]
    table = read_table(_csv_bytes(rows), filename="a.csv")

    assert table.header_row == 3
    assert table.headers == ("姓名", "性别", "备注", "column_D")


def test_cells_are_trimmed_and_empty_cells_are_empty_strings() -> None:
    text = "姓名,民族,备注\n  张三\u3000, 汉族 ,\n"
    table = read_table(text.encode(), filename="a.csv")

    assert _records(table.frame) == [["张三", "汉族", ""]]
    assert not table.frame.isna().any().any()


def test_wrapped_header_cells_read_as_one_label() -> None:
    text = '"出生\n日期","Date of\nbirth"\n1990-03-07,1990-03-07\n'
    table = read_table(text.encode(), filename="a.csv")

    assert table.headers == ("出生日期", "Date of birth")


def test_duplicate_and_blank_headers_are_named_and_reported() -> None:
    text = "姓名,备注,,备注,\n张三,a,x,b,\n李四,c,,d,\n"
    table = read_table(text.encode(), filename="a.csv")

    assert table.headers == ("姓名", "备注", "column_C", "备注_2")
    assert _records(table.frame) == [["张三", "a", "x", "b"], ["李四", "c", "", "d"]]
    assert {notice.code for notice in table.notices} == {"unnamed_column", "duplicate_header"}


def test_a_wide_row_far_down_the_file_is_kept() -> None:
    lines = ["姓名,性别"] + [f"教师{i},男" for i in range(100)] + ["迟到者,女,多出的一列"]
    table = read_table("\n".join(lines).encode(), filename="a.csv")

    assert table.headers == ("姓名", "性别", "column_C")
    assert table.frame.loc[102].tolist() == ["迟到者", "女", "多出的一列"]
    assert table.frame.loc[2].tolist() == ["教师0", "男", ""]


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\xef\xbb\xbf", b",,,\r\n,,\r\n"])
def test_empty_file_is_refused_in_both_languages(data: bytes) -> None:
    with pytest.raises(EmptyFileError) as raised:
        read_table(data, filename="empty.csv")

    assert raised.value.filename == "empty.csv"
    assert "空" in raised.value.message_zh
    assert "empty" in raised.value.message_en
    assert isinstance(raised.value, ValueError)


def test_header_only_is_an_empty_table_with_a_notice() -> None:
    table = read_table("姓名,公民身份号码\n".encode(), filename="header.csv")

    assert table.is_empty
    assert table.headers == ("姓名", "公民身份号码")
    assert list(table.frame.columns) == ["姓名", "公民身份号码"]
    assert [notice.code for notice in table.notices] == ["header_only"]


def test_binary_data_is_unreadable() -> None:
    with pytest.raises(UnreadableFileError) as raised:
        read_table(b"\x00\x01\x02binary\x00\xff", filename="data.csv")

    assert "data.csv" in str(raised.value)


def test_an_unclosed_quote_is_reported_with_its_row() -> None:
    text = '姓名,备注\n张三,正常\n李四,"未闭合\n王五,x\n'
    with pytest.raises(UnreadableFileError) as raised:
        read_table(text.encode(), filename="a.csv")

    assert "row 3" in raised.value.message_en
    assert "第 3 行" in raised.value.message_zh


def test_unsupported_formats_are_named() -> None:
    with pytest.raises(UnsupportedFormatError) as raised:
        read_table(b"%PDF-1.7 ...", filename="form.pdf")
    assert raised.value.detected == ".pdf"

    # An OLE2 header with nothing readable behind it is a damaged workbook (real .xls files are read).
    broken_xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)
    with pytest.raises(UnreadableFileError) as broken:
        read_table(broken_xls, filename="old.xls")
    assert "old.xls" in broken.value.message_zh and "damaged" in broken.value.message_en


def _xls_bytes() -> bytes:
    """A legacy Excel 97–2003 workbook as a county office still saves them: a title row, a blank row."""
    import xlwt  # a dev dependency: writes the BIFF8 .xls the hub must read

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("教师")
    sheet.write(0, 0, "某区教师信息登记表")
    for column, header in enumerate(["姓名", "公民身份号码", "出生日期", "教龄"]):
        sheet.write(2, column, header)
    dated = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    sheet.write(3, 0, "张三")
    sheet.write(3, 1, "11010519800501123X")
    sheet.write(3, 2, dt.date(1980, 5, 1), dated)
    sheet.write(3, 3, 12)
    sheet.write(4, 0, "李四")
    sheet.write(4, 1, "110105199002020014")
    sheet.write(4, 2, dt.date(1990, 2, 2), dated)
    sheet.write(4, 3, 3.5)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _ods_bytes() -> bytes:
    """An OpenDocument spreadsheet as WPS or LibreOffice writes it (mimetype first, stored)."""

    def cell(value: str, kind: str = "string") -> str:
        if kind == "date":
            return f'<table:table-cell office:value-type="date" office:date-value="{value}"><text:p>{value}</text:p></table:table-cell>'
        if kind == "float":
            return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'

    def row(*cells: str) -> str:
        return "<table:table-row>" + "".join(cells) + "</table:table-row>"

    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="学校">'
        + row(cell("学校名称"), cell("学校标识码"), cell("建校年月"), cell("班级数"))
        + row(cell("城关第一小学"), cell("1133010015"), cell("1958-09-01", "date"), cell("24", "float"))
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_a_legacy_xls_is_read_under_its_title_rows_with_dates_and_numbers_as_typed() -> None:
    table = read_table(_xls_bytes(), filename="教师.xls", expected_headers=["姓名", "出生日期"])
    assert table.file_format == "xls" and table.sheet == "教师" and table.header_row == 3
    assert table.headers == ("姓名", "公民身份号码", "出生日期", "教龄")
    assert list(table.frame.index) == [4, 5]  # the rows a person sees in Excel
    assert table.frame["公民身份号码"].tolist() == ["11010519800501123X", "110105199002020014"]
    assert table.frame["出生日期"].tolist() == ["1980-05-01", "1990-02-02"]
    assert table.frame["教龄"].tolist() == ["12", "3.5"]
    # Known by its content whatever its name says.
    assert read_table(_xls_bytes(), filename="upload.bin").file_format == "xls"
    with pytest.raises(SheetNotFoundError):
        read_table(_xls_bytes(), filename="教师.xls", sheet="学生")


def test_an_ods_spreadsheet_is_read_like_a_workbook() -> None:
    table = read_table(_ods_bytes(), filename="学校.ods")
    assert table.file_format == "ods" and table.sheet == "学校"
    assert table.headers == ("学校名称", "学校标识码", "建校年月", "班级数")
    assert table.frame.iloc[0].tolist() == ["城关第一小学", "1133010015", "1958-09-01", "24"]
    assert read_table(_ods_bytes(), filename=None).file_format == "ods"  # by its mimetype member


def test_broken_xlsx_names_the_file_and_the_problem(tmp_path: Path) -> None:
    truncated = _xlsx_bytes([["姓名"], ["张三"]])[:700]
    with pytest.raises(UnreadableFileError) as raised:
        read_table(truncated, filename="teachers.xlsx")
    assert "teachers.xlsx" in raised.value.message_zh
    assert "damaged" in raised.value.message_en

    not_a_workbook = io.BytesIO()
    with zipfile.ZipFile(not_a_workbook, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(UnreadableFileError):
        read_table(not_a_workbook.getvalue(), filename="teachers.xlsx")

    with pytest.raises(UnreadableFileError, match="not a valid .xlsx"):
        read_table(b"name,gender\n", filename="teachers.xlsx")


# --- XLSX ---------------------------------------------------------------------------------------


def test_xlsx_values_read_as_a_person_sees_them() -> None:
    data = _xlsx_bytes(
        [
            ["XX区教师信息登记表"],
            [],
            ["姓名", "公民身份号码", "出生日期", "参加工作年月", "教龄", "月工资", "是否班主任"],
            [
                "张三",
                "110101199003070014",
                dt.datetime(1990, 3, 7),
                dt.datetime(2012, 9, 1),
                12.0,
                5432.1,
                True,
            ],
            [
                "李四",
                "11010519491231002X",
                dt.date(1949, 12, 31),
                dt.datetime(1970, 7, 1),
                40,
                0.1 + 0.2,
                False,
            ],
        ],
        formats={"D4": 'yyyy"年"m"月"', "D5": "yyyy-mm"},
    )
    table = read_table(data, filename="登记表.xlsx")

    assert table.file_format == "xlsx"
    assert table.header_row == 3
    assert table.sheet == "Sheet1"
    assert _records(table.frame) == [
        ["张三", "110101199003070014", "1990-03-07", "2012-09", "12", "5432.1", "TRUE"],
        ["李四", "11010519491231002X", "1949-12-31", "1970-07", "40", "0.3", "FALSE"],
    ]
    assert list(table.frame.index) == [4, 5]
    assert table.notices == ()


def test_xlsx_merged_title_row_is_skipped() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["XX区学校基本情况表"])
    sheet.merge_cells("A1:C1")
    sheet.append(["学校标识码", "学校名称", "在校学生数"])
    sheet.append(["1111000001", "第一中学", 1200])
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = read_table(buffer.getvalue(), filename="schools.xlsx")
    assert table.header_row == 2
    assert _records(table.frame) == [["1111000001", "第一中学", "1200"]]


def test_xlsx_id_number_typed_as_a_number_is_reported() -> None:
    data = _xlsx_bytes([["姓名", "公民身份号码"], ["张三", 110101199003070014]])
    table = read_table(data, filename="t.xlsx")

    (notice,) = table.notices
    assert notice.code == "precision_loss"
    assert notice.column == "公民身份号码"
    assert notice.row == 2
    assert "15" in notice.message_zh


def test_xlsx_named_sheet_and_missing_sheet() -> None:
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.title = "说明"
    first.append(["本表由学校填写"])
    second = workbook.create_sheet("教师")
    second.append(["姓名"])
    second.append(["张三"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()

    assert _records(read_table(data, sheet="教师").frame) == [["张三"]]
    with pytest.raises(SheetNotFoundError) as raised:
        read_table(data, filename="t.xlsx", sheet="学校")
    assert raised.value.available == ("说明", "教师")
    assert isinstance(raised.value, LookupError)


def test_xlsx_with_nothing_in_it_is_empty() -> None:
    with pytest.raises(EmptyFileError, match="Sheet1"):
        read_table(_xlsx_bytes([]), filename="t.xlsx")


def test_a_workbook_renamed_to_csv_is_still_read_as_a_workbook() -> None:
    table = read_table(_xlsx_bytes([["姓名"], ["张三"]]), filename="teachers.csv")
    assert table.file_format == "xlsx"


# --- drop folder --------------------------------------------------------------------------------


def test_folder_drops_are_picked_up_once_by_content(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(_csv_bytes(TEACHERS, "gbk"))
    (tmp_path / "b.xlsx").write_bytes(_xlsx_bytes(TEACHERS))
    (tmp_path / "copy of a.csv").write_bytes(_csv_bytes(TEACHERS, "gbk"))
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really")
    (tmp_path / "~$b.xlsx").write_bytes(b"lock")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")

    first = list(iter_folder(tmp_path, set()))
    assert [drop.path.name for drop in first] == ["a.csv", "b.xlsx", "broken.xlsx"]
    assert first[0].table is not None and _records(first[0].table.frame) == TEACHERS[1:]
    assert isinstance(first[2].error, FileReadError) and first[2].table is None

    seen = {drop.sha256 for drop in first}
    (tmp_path / "c.csv").write_bytes(_csv_bytes([["姓名"], ["新教师"]]))
    second = list(iter_folder(tmp_path, seen))
    assert [drop.path.name for drop in second] == ["c.csv"]

    assert [drop.path.name for drop in iter_folder(tmp_path, set(), pattern="*.xlsx")] == [
        "b.xlsx",
        "broken.xlsx",
    ]


def test_folder_drops_still_being_copied_wait_for_a_later_pass(tmp_path: Path) -> None:
    (tmp_path / "arriving.csv").write_bytes(_csv_bytes(TEACHERS))

    assert list(iter_folder(tmp_path, set(), min_age_seconds=3600)) == []
    assert len(list(iter_folder(tmp_path, set()))) == 1


# --- property -----------------------------------------------------------------------------------

_text = st.text(alphabet=st.sampled_from('张王李赵刘堃䶮abcXYZ019 -"\n'), max_size=8)
_label = st.text(alphabet=st.sampled_from("姓名性别学校民族abcxyz"), min_size=1, max_size=6)


@settings(max_examples=150, deadline=None)
@given(
    data=st.data(),
    headers=st.lists(_label, min_size=1, max_size=5, unique=True),
    delimiter=st.sampled_from([",", "\t", ";"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig"]),
)
def test_any_written_csv_reads_back_cell_for_cell(
    data: st.DataObject, headers: list[str], delimiter: str, encoding: str
) -> None:
    cell = st.one_of(_text, _text.map(lambda text: text.replace(" ", delimiter)))
    rows = data.draw(st.lists(st.lists(cell, min_size=len(headers), max_size=len(headers)), max_size=6))

    table = read_table(_csv_bytes([headers, *rows], encoding, delimiter), filename="t.csv")

    expected = [
        (number, [value.strip() for value in row])
        for number, row in enumerate(rows, start=2)
        if any(value.strip() for value in row)
    ]
    assert table.headers == tuple(headers)
    assert list(table.frame.index) == [number for number, _ in expected]
    assert _records(table.frame) == [row for _, row in expected]


# --- row limits ---------------------------------------------------------------------------------


def test_a_workbook_over_max_rows_is_refused_once_the_limit_is_passed() -> None:
    rows = [TEACHERS[0], *([["", "", "", ""]] * 50), TEACHERS[1]]
    with pytest.raises(TooManyRowsError) as refused:
        read_table(_xlsx_bytes(rows), filename="t.xlsx", max_rows=20)
    assert refused.value.max_rows == 20
    assert "20" in refused.value.message_zh and "t.xlsx" in refused.value.message_en


def test_a_csv_over_max_rows_is_refused_and_one_at_the_limit_is_read() -> None:
    body = _csv_bytes([TEACHERS[0], *[TEACHERS[1]] * 9])
    assert len(read_table(body, filename="t.csv", max_rows=10).frame) == 9
    with pytest.raises(TooManyRowsError):
        read_table(body, filename="t.csv", max_rows=9)


# --- streamed reading ---------------------------------------------------------------------------


def _big_csv(path: Path, rows: int, *, encoding: str = "utf-8", extra: dict[int, str] | None = None) -> None:
    """A title row, a header row and `rows` teachers; `extra` replaces the line of a data row (by index)."""
    with path.open("w", encoding=encoding, newline="") as out:
        out.write("某区教师信息登记表\n姓名,公民身份号码,任职学校\n")
        for index in range(rows):
            out.write((extra or {}).get(index, f"教师{index},{index:018d},学校{index % 7}") + "\n")


def test_a_large_csv_comes_in_chunks_of_bounded_size_with_the_rows_a_person_sees(tmp_path: Path) -> None:
    path = tmp_path / "教师.csv"
    _big_csv(path, 120_000)
    stream = open_table(path, chunk_rows=10_000)
    assert stream.headers == ("姓名", "公民身份号码", "任职学校") and stream.header_row == 2
    sizes, numbers = [], []
    for chunk in stream.chunks():
        sizes.append(len(chunk))
        numbers.append((int(chunk.index[0]), int(chunk.index[-1])))
        assert list(chunk.columns) == list(stream.headers)
    assert max(sizes) <= 10_000 and sum(sizes) == 120_000 and len(sizes) == 13
    # Rows are numbered as a spreadsheet shows them (title row 1, header row 2), without a gap.
    assert numbers[0] == (3, 10_000) and numbers[-1][1] == 120_002
    assert all(after[0] == before[1] + 1 for before, after in zip(numbers, numbers[1:], strict=False))
    assert stream.rows == 120_000 and stream.notices == ()


def test_the_streamed_chunks_hold_what_read_table_reads(tmp_path: Path) -> None:
    path = tmp_path / "教师.csv"
    _big_csv(path, 2_500, encoding="gb18030", extra={700: " 李四 ,  000000000000000700 ,学校0", 1400: ",,"})
    stream = open_table(path, chunk_rows=1_000)
    streamed = pd.concat(list(stream.chunks()))
    whole = read_table(path)
    assert stream.encoding == whole.encoding == "gb18030"
    assert streamed.equals(whole.frame.rename_axis("row"))
    assert streamed.loc[703].tolist() == ["李四", "000000000000000700", "学校0"]
    assert 1403 not in streamed.index  # an empty row is layout


def test_a_row_wider_than_the_first_rows_after_the_first_chunk_is_read_with_its_extra_cell(
    tmp_path: Path,
) -> None:
    path = tmp_path / "教师.csv"
    _big_csv(path, 3_000, extra={2_500: "赵六,000000000000002500,学校1,备注"})
    stream = open_table(path, chunk_rows=1_000)
    chunks = list(stream.chunks())
    assert sum(len(chunk) for chunk in chunks) == 3_000
    last = pd.concat(chunks)
    assert last.loc[2_503, "column_D"] == "备注" and last.loc[2_504, "姓名"] == "教师2501"
    assert [notice.code for notice in stream.notices] == ["unnamed_column"]


def test_a_quote_never_closed_far_into_the_file_is_refused_naming_its_row(tmp_path: Path) -> None:
    path = tmp_path / "教师.csv"
    _big_csv(path, 3_000, extra={2_000: '"孙七,000000000000002000,学校1'})
    stream = open_table(path, chunk_rows=1_000)
    with pytest.raises(UnreadableFileError) as refused:
        for _ in stream.chunks():
            pass
    assert "2003" in refused.value.message_zh


def test_a_spacer_column_of_trailing_commas_is_a_blank_column_not_a_notice(tmp_path: Path) -> None:
    path = tmp_path / "教师.csv"
    path.write_text("姓名,公民身份号码,\n李堃,11010519491231002X,\n", encoding="utf-8")
    stream = open_table(path)
    assert [chunk.shape for chunk in stream.chunks()] == [(1, 3)]
    assert stream.blank_columns == ("column_C",) and stream.notices == ()
    assert read_table(path).headers == ("姓名", "公民身份号码")


def test_an_uploaded_file_object_is_read_from_its_start_and_left_open() -> None:
    import tempfile

    with tempfile.SpooledTemporaryFile() as upload:
        upload.write(_csv_bytes(TEACHERS))
        stream = open_table(upload, filename="t.csv")  # the server leaves it at its end
        assert [len(chunk) for chunk in stream.chunks()] == [2]
        assert not upload.closed
        assert read_table(upload, filename="t.csv").frame.shape == (2, 4)
