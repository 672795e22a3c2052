"""The merged usage report as the lead's workbook: one sheet per table, readable widths, a few charts.

Every cell is written as what it is (text stays text: a query "=1+1" is not a formula), headers are
Chinese for the lead, and the JSON keys stay in the JSON output.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from palette.core.atomic import write_atomic
from palette.core.report_merge import COLUMNS, Summary

SHEETS: tuple[tuple[str, str], ...] = (  # table → sheet name
    ("most_used", "最常用"),
    ("never_used", "从未使用"),
    ("most_customised", "常被自定义"),
    ("guard_overridden", "禁语仍发送"),
    ("searches_not_found", "未找到的搜索"),
    ("by_version", "按版本"),
    ("by_team", "按团队"),
)
HEADERS = {
    "library": "话术库",
    "uid": "编号",
    "category": "分类",
    "title": "标题",
    "uses": "使用",
    "pasted": "粘贴",
    "copied": "仅复制",
    "sent": "发送",
    "abandoned": "放弃填写",
    "guard_overridden": "禁语仍发送",
    "customised": "自定义",
    "agents": "坐席数",
    "word": "禁语",
    "list": "来源",
    "overridden": "仍发送次数",
    "query": "搜索",
    "searches": "次数",
    "version": "版本",
    "team": "团队",
    "misses": "未找到",
}
CHARTS = {  # sheet → (label column, value column, title): the top rows as a bar chart
    "most_used": ("title", "uses", "最常用话术(前 15)"),
    "searches_not_found": ("query", "searches", "未找到的搜索(前 15)"),
    "by_team": ("team", "pasted", "各团队粘贴次数"),
}
CHART_ROWS = 15
MAX_WIDTH = 50


def _width(value: object) -> int:
    """Columns a value takes in a spreadsheet: wide (CJK) characters count twice."""
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def write_workbook(summary: Summary, path: Path, *, overwrite: bool) -> None:
    import openpyxl
    from openpyxl.chart import BarChart, Reference
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    overview = wb.active
    assert overview is not None
    overview.title = "概况"
    for label, value in (
        ("期间", f"{summary.period[0]} — {summary.period[1]}"),
        ("坐席", summary.agents),
        ("日报", summary.reports),
        ("跳过的文件", summary.skipped),
    ):
        overview.append([label, value])
    overview.column_dimensions["A"].width = 14
    overview.column_dimensions["B"].width = 28
    for key, name in SHEETS:
        rows = summary.tables[key]
        ws = wb.create_sheet(name)
        columns = COLUMNS[key]
        for r, values in enumerate(
            [[HEADERS.get(c, c) for c in columns]] + [[row[c] for c in columns] for row in rows]
        ):
            for n, value in enumerate(values, start=1):
                cell = ws.cell(r + 1, n, value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text: a query "=1+1" is not a formula
        for n, c in enumerate(columns, start=1):
            widest = max([_width(HEADERS.get(c, c))] + [_width(r[c]) for r in rows[:2000]])
            ws.column_dimensions[get_column_letter(n)].width = min(MAX_WIDTH, widest + 2)
        ws.freeze_panes = "A2"
        if key in CHARTS and rows:
            label, value, title = CHARTS[key]
            shown = min(CHART_ROWS, len(rows))
            chart = BarChart()
            chart.type = "bar"
            chart.title = title
            chart.legend = None
            chart.height = max(6.0, shown * 0.6)
            chart.add_data(
                Reference(ws, min_col=columns.index(value) + 1, min_row=1, max_row=shown + 1), titles_from_data=True
            )
            chart.set_categories(Reference(ws, min_col=columns.index(label) + 1, min_row=2, max_row=shown + 1))
            chart.y_axis.title = HEADERS[value]
            ws.add_chart(chart, f"{get_column_letter(len(columns) + 2)}2")
    write_atomic(path, wb.save, overwrite=overwrite)
