"""Reading library files: formats, header synonyms, encodings, sheets, and the bad-input rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from palette.core.library_io import (
    DEFAULT_CATEGORY,
    LibraryBytes,
    LibraryData,
    LibraryFileError,
    parse_library,
    parse_map,
    read_library_db,
    write_library,
    write_library_db,
)
from palette.core.model import ForbiddenWord, Phrase
from tests.library_files import BAD_FILES, HEADER, ROWS, read, with_cached_formula, write_csv, write_xlsx


def fields(data: LibraryData) -> list[tuple[str, str, str, str, str, tuple[str, ...]]]:
    return [(p.uid, p.category, p.title, p.body, p.shortcut, p.tags) for p in data.phrases]


EXPECTED = [
    ("1001", "投诉处理", "安抚", "您好,非常抱歉给您带来不便。", "ts1", ("投诉", "安抚")),
    ("1002", "投诉处理", "升级", "已为您升级处理,[工号]会在24小时内回复。", "ts2", ()),
    ("1003", "业务咨询", "套餐", "您当前的套餐是[套餐名称=畅享套餐]。", "", ("套餐",)),
]


@pytest.mark.parametrize(
    "header",
    [
        ["编号", "分类", "标题", "内容", "快捷码", "标签"],
        ["ID", "类别", "名称", "话术", "快捷键", "tags"],
        ["uid", "场景", "title", "话术内容", "缩写", "标签"],
        ["id", "category", "Title", "正文", "code", "Tags"],
        ["编号", "Category", "标题", "回复内容", "shortcut", "标签"],
        ["编号 ", "分类(必填)", "标题*", "body", "快捷码", "标签"],
        ["编号", "分类", "标题", "text", "快捷码", "标签"],
    ],
)
def test_header_synonyms(tmp_path: Path, header: list[str]) -> None:
    path = write_csv(tmp_path / "team.csv", [header, *ROWS])
    assert fields(read(path)) == EXPECTED


def test_columns_in_any_order_and_unknown_columns_ignored(tmp_path: Path) -> None:
    order = [3, 0, 5, 1, 4, 2]
    rows = [[*(r[i] for i in order), "备注"] for r in [HEADER, *ROWS]]
    assert fields(read(write_csv(tmp_path / "t.csv", rows))) == EXPECTED


def test_header_below_a_title_row(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "team.xlsx", {"话术": [["一组话术 第47周"], [], HEADER, *ROWS]})
    data = read(path)
    assert fields(data) == EXPECTED and data.warnings == ()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "team.csv", [HEADER, *ROWS], encoding=encoding)
    assert fields(read(path)) == EXPECTED


def test_gb18030_beyond_gbk(tmp_path: Path) -> None:
    rows = [["标题", "内容"], ["生僻字", "𠮷野家的𠮷"]]
    path = write_csv(tmp_path / "rare.csv", rows, encoding="gb18030")
    assert read(path).phrases[0].body == "𠮷野家的𠮷"


def test_tab_and_semicolon_delimited(tmp_path: Path) -> None:
    for delimiter in ("\t", ";"):
        text = "\n".join(delimiter.join(r) for r in [HEADER, *ROWS])
        path = tmp_path / "team.csv"
        path.write_text(text, encoding="utf-8")
        assert fields(read(path)) == EXPECTED


def test_multi_line_cells(tmp_path: Path) -> None:
    body = "您好!\r\n第一步:重启光猫;\r\n第二步:等待两分钟。"
    csv_path = write_csv(tmp_path / "m.csv", [["标题", "内容"], ["重启", body]])
    xlsx_path = write_xlsx(tmp_path / "m.xlsx", {"s": [["标题", "内容"], ["重启", body]]})
    want = "您好!\n第一步:重启光猫;\n第二步:等待两分钟。"
    assert read(csv_path).phrases[0].body == want
    assert read(xlsx_path).phrases[0].body == want


def test_formulas_are_read_as_their_cached_values(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", {"话术": [["标题", "内容"], ["拼接", "placeholder"]]})
    with_cached_formula(path, "B2", '"您好,"&amp;"欢迎致电"', "您好,欢迎致电")
    assert read(path).phrases[0].body == "您好,欢迎致电"


def test_formula_errors_are_row_warnings(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", {"话术": [["标题", "内容"], ["坏", "x"], ["好", "您好"]]})
    with_cached_formula(path, "B2", "1/0", "#DIV/0!", kind="e")
    data = read(path)
    assert [p.title for p in data.phrases] == ["好"]
    assert any("row 2, column B" in w and "#DIV/0!" in w for w in data.warnings)


def test_numbers_and_dates_become_text(tmp_path: Path) -> None:
    import datetime

    path = write_xlsx(
        tmp_path / "n.xlsx",
        {"s": [["编号", "标题", "内容"], [1001, 2024.0, "正文"], [1002.5, datetime.date(2024, 5, 1), "b"]]},
    )
    got = [(p.uid, p.title) for p in read(path).phrases]
    assert got == [("1001", "2024"), ("1002.5", "2024-05-01")]


def test_every_sheet_is_read_and_its_name_is_the_default_category(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "team.xlsx",
        {
            "开场": [["标题", "内容"], ["问候", "您好"]],
            "说明": [["本表由组长维护,请勿改动表头"]],
            "结束": [["标题", "内容"], ["道别", "再见"]],
        },
    )
    data = read(path)
    assert [(p.category, p.title) for p in data.phrases] == [("开场", "问候"), ("结束", "道别")]
    assert any("sheet 说明" in w and "no body column" in w for w in data.warnings)
    assert [(p.category, p.title) for p in read(path, sheet="结束").phrases] == [("结束", "道别")]
    with pytest.raises(LibraryFileError, match=r"no sheet '其他'.*开场"):
        read(path, sheet="其他")


def test_empty_category_continues_the_one_above(tmp_path: Path) -> None:
    """Team leads merge category cells vertically; only the top cell holds the value."""
    rows: list[list[str | None]] = [
        ["分类", "标题", "内容"],
        ["投诉处理", "安抚", "a"],
        [None, "升级", "b"],
        ["咨询", "套餐", "c"],
        ["", "资费", "d"],
    ]
    data = read(write_xlsx(tmp_path / "m.xlsx", {"s": rows}))
    assert [p.category for p in data.phrases] == ["投诉处理", "投诉处理", "咨询", "咨询"]


def test_csv_without_category_uses_the_default(tmp_path: Path) -> None:
    data = read(write_csv(tmp_path / "c.csv", [["标题", "内容"], ["t", "b"]]))
    assert data.phrases[0].category == DEFAULT_CATEGORY


def test_without_title_the_body_start_is_the_title(tmp_path: Path) -> None:
    data = read(write_csv(tmp_path / "c.csv", [["内容"], ["您好,这里是某某电信客服中心,请问有什么可以帮您?\n第二行"]]))
    assert data.phrases[0].title == "您好,这里是某某电信客服中心,请问有什么…"


def test_library_name_defaults(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "客服一组.csv", [HEADER, *ROWS])
    assert read(path).name == "客服一组"
    assert read(path, library="二组").name == "二组"
    assert {p.library for p in read(path, library="二组").phrases} == {"二组"}


# -- ids ------------------------------------------------------------------------------------------


def test_derived_ids_are_stable_across_reimports_and_reordering(tmp_path: Path) -> None:
    rows = [["分类", "标题", "内容"], ["投诉", "安抚", "a"], ["投诉", "升级", "b"], ["咨询", "套餐", "c"]]
    first = {(p.category, p.title): p.uid for p in read(write_csv(tmp_path / "a.csv", rows)).phrases}
    edited = [rows[0], ["咨询", "套餐", "c 改了正文"], ["投诉", "安抚", "a"], ["投诉", "升级", "b"]]
    second = {(p.category, p.title): p.uid for p in read(write_csv(tmp_path / "b.csv", edited)).phrases}
    assert first == second
    assert len(set(first.values())) == 3 and all(uid.startswith("k-") for uid in first.values())


def test_duplicate_titles_in_a_category_get_distinct_ids_and_a_warning(tmp_path: Path) -> None:
    rows = [["分类", "标题", "内容"], ["投诉", "安抚", "a"], ["咨询", "安抚", "b"], ["投诉", "安抚", "c"]]
    data = read(write_csv(tmp_path / "d.csv", rows))
    assert len({p.uid for p in data.phrases}) == 3
    assert len(data.warnings) == 1 and "row 4" in data.warnings[0] and "repeats row 2" in data.warnings[0]
    again = read(write_csv(tmp_path / "e.csv", rows))
    assert [p.uid for p in again.phrases] == [p.uid for p in data.phrases]


def test_rows_without_id_in_a_sheet_with_ids_are_derived(tmp_path: Path) -> None:
    rows = [["编号", "标题", "内容"], ["A1", "t1", "b1"], ["", "t2", "b2"]]
    uids = [p.uid for p in read(write_csv(tmp_path / "x.csv", rows)).phrases]
    assert uids[0] == "A1" and uids[1].startswith("k-")


# -- mapping --------------------------------------------------------------------------------------


def test_explicit_mapping(tmp_path: Path) -> None:
    rows = [["序号", "问题", "答复", "备注"], ["1", "宽带报修", "请您重启光猫", "内部"]]
    path = write_csv(tmp_path / "m.csv", rows)
    with pytest.raises(LibraryFileError, match=r"no body column.*序号、问题、答复、备注"):
        read(path)
    data = read(path, 问题="title", 答复="body")
    assert (data.phrases[0].title, data.phrases[0].body) == ("宽带报修", "请您重启光猫")


def test_mapping_overrides_a_synonym_and_can_ignore(tmp_path: Path) -> None:
    rows = [["标题", "话术", "内容"], ["t", "短版", "长版正文"]]
    path = write_csv(tmp_path / "m.csv", rows)
    with pytest.raises(LibraryFileError, match=r"both look like the body.*--map"):
        read(path)
    assert read(path, 内容="body").phrases[0].body == "长版正文"
    assert read(path, 内容="ignore").phrases[0].body == "短版"


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (["话术=body"], (("话术", "body"),)),
        (["回答=内容", "类=分类"], (("回答", "body"), ("类", "category"))),
        (["备注=ignore"], (("备注", "ignore"),)),
        (["快捷=Shortcut"], (("快捷", "shortcut"),)),
    ],
)
def test_parse_map(items: list[str], expected: tuple[tuple[str, str], ...]) -> None:
    assert parse_map(items) == expected


@pytest.mark.parametrize(
    ("item", "needle"), [("话术", "HEADER=FIELD"), ("=body", "HEADER=FIELD"), ("a=colour", "unknown field")]
)
def test_parse_map_errors(item: str, needle: str) -> None:
    with pytest.raises(LibraryFileError, match=needle):
        parse_map([item])


def test_mapping_a_missing_column_is_an_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", [HEADER, *ROWS])
    with pytest.raises(LibraryFileError, match=re.escape("m.csv: --map 备注x=…: no column named '备注x'")):
        read(path, 备注x="tags")


# -- forbidden words ------------------------------------------------------------------------------


def test_forbidden_sheet(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "team.xlsx",
        {
            "话术": [HEADER, *ROWS],
            "禁语": [["禁语", "建议"], ["不知道", "我帮您核实一下"], ["没办法", ""], ["不知道", "x"]],
        },
    )
    data = read(path, library="一组")
    assert data.forbidden == (ForbiddenWord("不知道", "我帮您核实一下", "一组"), ForbiddenWord("没办法", "", "一组"))
    assert any("禁语" in w and "row 4" in w and "twice" in w for w in data.warnings)


def test_forbidden_sheet_without_header(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", {"话术": [HEADER, *ROWS], "服务禁语": [["不归我管", "我帮您转交"]]})
    assert [w.word for w in read(path).forbidden] == ["不归我管"]


def test_csv_forbidden_words_live_beside_it(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "team.csv", [HEADER, *ROWS])
    write_csv(tmp_path / "team.禁语.csv", [["禁语", "建议"], ["不知道", "我查一下"]])
    assert [(w.word, w.suggestion) for w in read(path).forbidden] == [("不知道", "我查一下")]


def test_json_forbidden_key_accepts_strings_and_objects(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(
        '{"name": "三组", "version": "w1", "phrases": [{"标题": "t", "话术": "b"}],'
        ' "禁语": ["不知道", {"word": "这是规定", "suggestion": "按照规定"}]}',
        encoding="utf-8",
    )
    data = read(path)
    assert (data.name, data.version) == ("三组", "w1")
    assert [(w.word, w.suggestion) for w in data.forbidden] == [("不知道", ""), ("这是规定", "按照规定")]


def test_json_may_be_a_bare_list(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text('[{"title": "t", "body": "b", "tags": ["x", "y"]}]', encoding="utf-8")
    data = read(path)
    assert data.name == "list" and data.phrases[0].tags == ("x", "y")


# -- bad input: whole-file errors -----------------------------------------------------------------


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_give_one_line_naming_the_file(tmp_path: Path, case: str) -> None:
    name, build, needle = BAD_FILES[case]
    path = build(tmp_path / name)
    with pytest.raises(LibraryFileError) as e:
        read(path)
    message = str(e.value)
    assert message.startswith(str(path) + ":"), message
    assert needle in message and "\n" not in message


def test_duplicate_ids_name_both_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dup.csv", [HEADER, ROWS[0], ROWS[1], ROWS[0]])
    with pytest.raises(LibraryFileError, match=r"dup.csv: row 4: id '1001' repeats row 2"):
        read(path)


def test_library_db_with_a_newer_format_is_refused(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "new.db"
    write_library_db(LibraryData("x", "", (Phrase("a", "x", "c", "t", "b"),)), path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '9' WHERE key = 'format_version'")
    conn.commit()
    conn.close()
    with pytest.raises(LibraryFileError, match="newer Palette"):
        read(path)


def test_a_renamed_file_is_read_by_its_content(tmp_path: Path) -> None:
    real = write_xlsx(tmp_path / "real.xlsx", {"话术": [HEADER, *ROWS]})
    renamed = tmp_path / "renamed.csv"
    renamed.write_bytes(real.read_bytes())
    assert fields(read(renamed)) == EXPECTED


# -- bad input: row warnings ----------------------------------------------------------------------


def _warned(tmp_path: Path, bad_row: list[str]) -> tuple[LibraryData, str]:
    path = write_csv(tmp_path / "w.csv", [HEADER, ROWS[0], bad_row, ROWS[2]])
    data = read(path)
    assert len(data.warnings) == 1, data.warnings
    assert data.warnings[0].startswith(f"{path}: row 3")
    return data, data.warnings[0]


def test_empty_body_skips_the_row(tmp_path: Path) -> None:
    data, warning = _warned(tmp_path, ["1002", "投诉处理", "空的", "", "", ""])
    assert [p.uid for p in data.phrases] == ["1001", "1003"] and "no body" in warning


def test_a_one_megabyte_cell_skips_the_row(tmp_path: Path) -> None:
    data, warning = _warned(tmp_path, ["1002", "投诉处理", "大", "长" * 1_048_576, "", ""])
    assert [p.uid for p in data.phrases] == ["1001", "1003"]
    assert "column 话术内容" in warning and "1,048,576 characters" in warning


def test_control_characters_are_removed_with_a_warning(tmp_path: Path) -> None:
    data, warning = _warned(tmp_path, ["1002", "投诉处理", "控制", "您好\x00\x07,请\x1b稍等\r\n谢谢", "", ""])
    assert data.phrases[1].body == "您好,请稍等\n谢谢"
    assert "column 话术内容" in warning and "3 control" in warning


def test_repeated_shortcut_is_dropped_on_the_later_row(tmp_path: Path) -> None:
    data, warning = _warned(tmp_path, ["1002", "投诉处理", "重复", "正文", "TS1", ""])
    assert [p.shortcut for p in data.phrases] == ["ts1", "", ""]
    assert "column 快捷码" in warning and "repeats row 2" in warning


def test_a_shortcut_with_spaces_is_dropped(tmp_path: Path) -> None:
    data, warning = _warned(tmp_path, ["1002", "投诉处理", "空格", "正文", "t s", ""])
    assert data.phrases[1].shortcut == "" and "spaces" in warning


@pytest.mark.parametrize("code", ["售后1", "nh!", "x" * 21])
def test_a_shortcut_the_rule_refuses_is_dropped_and_the_row_kept(tmp_path: Path, code: str) -> None:
    data, warning = _warned(tmp_path, ["1002", "投诉处理", "码", "正文", code, "VIP 客户;加急"])
    assert data.phrases[1].shortcut == "" and data.phrases[1].body == "正文"
    assert data.phrases[1].tags == ("VIP 客户", "加急")  # one tag rule: spaces do not split
    assert "column 快捷码" in warning and "dropped" in warning


def test_blank_rows_are_skipped_silently(tmp_path: Path) -> None:
    data = read(write_csv(tmp_path / "b.csv", [HEADER, ROWS[0], ["", "", ""], [], ROWS[1]]))
    assert len(data.phrases) == 2 and data.warnings == ()


# -- writing --------------------------------------------------------------------------------------


def test_unknown_export_format(tmp_path: Path) -> None:
    data = LibraryData("x", "", (Phrase("a", "x", "c", "t", "b"),))
    with pytest.raises(LibraryFileError, match=r"unknown format '\.txt'"):
        write_library(data, tmp_path / "x.txt")


def test_xlsx_export_keeps_text_that_looks_like_a_formula_or_number(tmp_path: Path) -> None:
    phrases = (Phrase("0012", "x", "c", "=1+1", "=SUM(A1)"), Phrase("007", "x", "c", "t", "+86 10000"))
    write_library(LibraryData("x", "v", phrases), tmp_path / "x.xlsx")
    data = read(tmp_path / "x.xlsx", library="x")
    assert [(p.uid, p.title, p.body) for p in data.phrases] == [("0012", "=1+1", "=SUM(A1)"), ("007", "t", "+86 10000")]
    assert data.version == "v"


def test_standard_loader_still_reads_phrases_db_raw() -> None:
    from palette.core import paths

    data = read_library_db(paths.standard_library_db())
    assert data.name == "标准话术" and len(data.phrases) == 127 and data.phrases[0].uid == "std-open-phone"


def test_bytes_without_a_name_are_sniffed() -> None:
    data = parse_library(LibraryBytes("https://x/lib", "", "lib", '{"phrases": [{"body": "您好"}]}'.encode()))
    assert data.phrases[0].body == "您好"
