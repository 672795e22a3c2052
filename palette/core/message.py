"""The customer's message, as the agent selected or copied it: is it one, and which values does it carry.

`looks_like_message` keeps the palette from treating a copied URL, a phone number alone, code or a
whole document as something to answer: plain text, 2–500 characters, mostly Chinese. `extract_values`
finds a mobile number, a work-order number, an amount and a date, so the fill-in form can offer them
(`field_value` maps a placeholder name such as 手机尾号 or 退款金额 onto them). Both are pure and bounded:
the message is at most `MAX_CHARS` long before any pattern runs. Nothing here logs or keeps the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

MIN_CHARS = 2
MAX_CHARS = 500
CJK_SHARE = 0.6  # of the letters (digits and punctuation aside): "宽带 WiFi 连不上" is a message

PHONE = "手机号"
PHONE_TAIL = "手机尾号"
ORDER = "工单号"
AMOUNT = "金额"
DATE = "日期"

# A placeholder name -> which value fills it. Exact names first; then a name ending in one of these.
_NAMES: Mapping[str, str] = {
    "手机号": PHONE, "手机号码": PHONE, "手机": PHONE, "电话": PHONE, "电话号码": PHONE, "号码": PHONE,
    "联系电话": PHONE, "联系方式": PHONE, "客户电话": PHONE, "客户手机": PHONE, "客户手机号": PHONE,
    "来电号码": PHONE, "业务号码": PHONE, "手机尾号": PHONE_TAIL, "尾号": PHONE_TAIL, "号码尾号": PHONE_TAIL,
    "工单号": ORDER, "工单": ORDER, "工单编号": ORDER, "单号": ORDER, "受理单号": ORDER, "受理号": ORDER,
    "投诉单号": ORDER, "投诉工单号": ORDER, "报修单号": ORDER, "订单号": ORDER, "流水号": ORDER,
    "金额": AMOUNT, "费用": AMOUNT, "扣费金额": AMOUNT, "退款金额": AMOUNT, "欠费金额": AMOUNT, "钱数": AMOUNT,
    "日期": DATE, "时间日期": DATE,
}  # fmt: skip
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("尾号", PHONE_TAIL), ("手机号", PHONE), ("手机号码", PHONE), ("电话", PHONE), ("单号", ORDER),
    ("工单号", ORDER), ("金额", AMOUNT), ("日期", DATE),
)  # fmt: skip

_SEP = r"[ \u00a0\u3000-]"
# 11-digit mainland mobile, optionally +86 / 86, grouped by spaces or dashes (138 1234 5678, 138-1234-5678).
_PHONE = re.compile(rf"(?<![0-9A-Za-z])(?:\+?86{_SEP}?)?(1[3-9][0-9](?:{_SEP}?[0-9]){{8}})(?![0-9])")
_TAIL = re.compile(r"尾号(?:是|为|:|：)?\s*([0-9]{4})(?![0-9])")
_ORDER_KEYED = re.compile(
    r"(?:工单|单号|受理单|受理号|投诉单|报修单|订单|流水号|编号)(?:号|编号)?\s*(?:是|为|:|：)?\s*"
    r"([A-Za-z0-9][A-Za-z0-9-]{4,30}[A-Za-z0-9])"
)
_ORDER_SHAPE = re.compile(r"(?<![0-9A-Za-z])([A-Za-z]{1,4}-?[0-9]{8,20})(?![0-9A-Za-z])")
_NUMBER = r"([0-9]{1,9}(?:,[0-9]{3})*(?:\.[0-9]{1,2})?)"
_AMOUNT = (
    re.compile(rf"(?:¥|￥|RMB|rmb)\s*{_NUMBER}"),
    re.compile(rf"{_NUMBER}\s*(?:元|块钱|块|圆)"),
)
_DATE = (
    re.compile(r"(?<![0-9])(20[0-9]{2})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]"),
    re.compile(r"(?<![0-9])(20[0-9]{2})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?![0-9])"),
    re.compile(r"(?<![0-9])()([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]"),
    re.compile(r"(?<![0-9./-])()([0-9]{1,2})/([0-9]{1,2})(?![0-9./])"),
)


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F


def looks_like_message(text: str) -> bool:
    """Plain text of 2–500 characters whose letters are mostly Chinese: what a customer wrote."""
    text = text.strip()
    if not MIN_CHARS <= len(text) <= MAX_CHARS:
        return False
    letters = cjk = 0
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] == "C" and ch not in "\n\t":
            return False  # control or private-use characters: not something a customer typed
        if category[0] == "L":
            letters += 1
            cjk += _is_cjk(ch)
    return cjk >= MIN_CHARS and cjk >= CJK_SHARE * letters


def _date(year: str, month: str, day: str) -> str | None:
    m, d = int(month), int(day)
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{int(year)}年{m}月{d}日" if year else f"{m}月{d}日"


def extract_values(message: str) -> dict[str, str]:
    """手机号 / 手机尾号 / 工单号 / 金额 / 日期 found in the message (first of each), normalised the way a
    phrase writes them: digits only for numbers, an amount without its 元, a date as 2026年12月1日."""
    text = unicodedata.normalize("NFKC", message[:MAX_CHARS])  # full-width digits and ：become ASCII
    values: dict[str, str] = {}
    phone = _PHONE.search(text)
    if phone:
        values[PHONE] = re.sub(r"[^0-9]", "", phone.group(1))
        values[PHONE_TAIL] = values[PHONE][-4:]
    tail = _TAIL.search(text)
    if tail and PHONE_TAIL not in values:
        values[PHONE_TAIL] = tail.group(1)
    order = _ORDER_KEYED.search(text) or _ORDER_SHAPE.search(text)
    if order and re.search(r"[0-9]", order.group(1)) and order.group(1) != values.get(PHONE):
        values[ORDER] = order.group(1).upper()
    for pattern in _AMOUNT:
        amount = pattern.search(text)
        if amount:
            values[AMOUNT] = amount.group(1).replace(",", "")
            break
    for pattern in _DATE:
        for found in pattern.finditer(text):
            date = _date(*found.groups())
            if date:
                values[DATE] = date
                break
        if DATE in values:
            break
    return values


def field_value(name: str, values: Mapping[str, str]) -> str | None:
    """The value from the message for a placeholder called `name` (canonical), or None."""
    kind = _NAMES.get(name)
    if kind is None:
        kind = next((k for suffix, k in _SUFFIXES if name.endswith(suffix)), None)
    return values.get(kind) if kind is not None else None
