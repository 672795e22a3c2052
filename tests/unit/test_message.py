"""The customer's message: what counts as one, and the values it carries for the fill-in form."""

from __future__ import annotations

import pytest

from palette.core.message import MAX_CHARS, extract_values, field_value, looks_like_message

MESSAGES = [
    "你好，我家宽带从昨天晚上开始就一直掉线，你们到底什么时候能派人来修？",
    "话费怎么又多扣了",
    "在吗",
    "WiFi 连不上了怎么办",
    "我要投诉！你们这什么破网，三天两头断网，太过分了！！！",
    "我的5G套餐每月129元，为什么这个月扣了158元？",
    "宽待一直掉线",
    "麻烦帮我查一下工单号GD20261201001的进度\n谢谢",
    "嗯",  # one character is not enough, but two are
    "好的",
]
NOT_MESSAGES = [
    "",
    " ",
    "嗯",
    "https://example.com/a?b=1",
    "13812345678",
    "def main():\n    return 0",
    "The customer says the broadband keeps dropping, please help",
    "宽带" + "掉线" * MAX_CHARS,
    "宽带\x00掉线",
    "GD20261201001",
    "宽带 is not working at all since yesterday evening",
]


@pytest.mark.parametrize("text", [m for m in MESSAGES if m != "嗯"])
def test_customer_lines_are_messages(text: str) -> None:
    assert looks_like_message(text)


@pytest.mark.parametrize("text", NOT_MESSAGES)
def test_other_clipboard_contents_are_not(text: str) -> None:
    assert not looks_like_message(text)


def test_length_is_counted_without_surrounding_blanks() -> None:
    assert looks_like_message("  \n好的\n ")
    assert looks_like_message("好" * MAX_CHARS)
    assert not looks_like_message("好" * (MAX_CHARS + 1))


@pytest.mark.parametrize(
    ("message", "phone"),
    [
        ("我的手机号是13812345678，帮我查下", "13812345678"),
        ("号码 138 1234 5678 一直没信号", "13812345678"),
        ("138-1234-5678这个号停机了", "13812345678"),
        ("+86 139 0000 1111 被扣费", "13900001111"),
        ("联系我：86-15912345678", "15912345678"),
        ("我的号码是１３８１２３４５６７８", "13812345678"),  # full-width digits from a Chinese IME
        ("打19912345678找我", "19912345678"),
    ],
)
def test_mobile_numbers(message: str, phone: str) -> None:
    values = extract_values(message)
    assert values["手机号"] == phone
    assert values["手机尾号"] == phone[-4:]


@pytest.mark.parametrize(
    "message",
    [
        "我的宽带账号是0755123456789",  # a landline-like account, not a mobile number
        "订单12345678901234号",
        "12812345678",  # 12x is no mobile prefix
        "138123456789",  # twelve digits
        "金额是100元",
    ],
)
def test_no_mobile_number(message: str) -> None:
    assert "手机号" not in extract_values(message)


def test_tail_alone() -> None:
    assert extract_values("尾号是5678的号码欠费了吗")["手机尾号"] == "5678"
    assert extract_values("尾号：0021")["手机尾号"] == "0021"
    assert "手机尾号" not in extract_values("尾号56789")


@pytest.mark.parametrize(
    ("message", "order"),
    [
        ("工单号GD20261201001怎么还没人处理", "GD20261201001"),
        ("我上周报修的，单号是 BX2026112400017", "BX2026112400017"),
        ("投诉单：ts-88812345，一直没回复", "TS-88812345"),
        ("受理单号为20261124000123，麻烦看一下", "20261124000123"),
        ("上次的工单 GD-2026112301 没有结果", "GD-2026112301"),
        ("我有个单子 WO202611240001 没处理", "WO202611240001"),
    ],
)
def test_work_order_numbers(message: str, order: str) -> None:
    assert extract_values(message)["工单号"] == order


@pytest.mark.parametrize("message", ["我要查工单进度", "单号忘了", "编号abcdefg", "手机13812345678"])
def test_no_work_order_number(message: str) -> None:
    assert "工单号" not in extract_values(message)


@pytest.mark.parametrize(
    ("message", "amount"),
    [
        ("这个月扣了我158元", "158"),
        ("多收了 39.9 元话费", "39.9"),
        ("账单上写着¥1,288.50，太离谱了", "1288.50"),
        ("凭什么扣我￥20", "20"),
        ("就因为这个扣了五十块？不，是50块钱", "50"),
        ("充了100块还是停机", "100"),
        ("RMB 66 的套餐", "66"),
    ],
)
def test_amounts(message: str, amount: str) -> None:
    assert extract_values(message)["金额"] == amount


@pytest.mark.parametrize("message", ["扣了好多钱", "5G套餐怎么办理", "我的号码13812345678"])
def test_no_amount(message: str) -> None:
    assert "金额" not in extract_values(message)


@pytest.mark.parametrize(
    ("message", "date"),
    [
        ("我2026年12月1日交的费", "2026年12月1日"),
        ("2026年 1 月 05 日之后就没网了", "2026年1月5日"),
        ("12月1日那天扣的钱", "12月1日"),
        ("11月30号来修的", "11月30日"),
        ("12/01 扣了一笔钱", "12月1日"),
        ("账单日期 2026-11-24 有问题", "2026年11月24日"),
        ("2026/12/1开始的", "2026年12月1日"),
        ("2026.12.01 办的套餐", "2026年12月1日"),
    ],
)
def test_dates(message: str, date: str) -> None:
    assert extract_values(message)["日期"] == date


@pytest.mark.parametrize("message", ["13月40日", "昨天开始的", "套餐 5/50G 的", "2026年", "版本1.2.3"])
def test_no_date(message: str) -> None:
    assert "日期" not in extract_values(message)


def test_a_message_with_everything() -> None:
    message = "你好，我手机 139-0000-1111，12月1日被扣了58元，工单号 GD20261201001 到现在没人回！"
    assert extract_values(message) == {
        "手机号": "13900001111",
        "手机尾号": "1111",
        "工单号": "GD20261201001",
        "金额": "58",
        "日期": "12月1日",
    }


def test_small_talk_carries_nothing() -> None:
    assert extract_values("谢谢，没事了") == {}


def test_huge_input_is_bounded() -> None:
    message = "宽带" * 100_000 + "13812345678"
    assert extract_values(message) == {}  # only the first MAX_CHARS characters are read


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("手机号", "13812345678"),
        ("联系电话", "13812345678"),
        ("客户手机号码", "13812345678"),
        ("手机尾号", "5678"),
        ("号码尾号", "5678"),
        ("工单号", "GD1"),
        ("投诉工单号", "GD1"),
        ("金额", "58"),
        ("退款金额", "58"),
        ("费用", "58"),
        ("截止日期", "12月1日"),
        ("客户姓名", None),
        ("套餐名称", None),
        ("时限", None),
    ],
)
def test_placeholder_names_map_onto_values(name: str, value: str | None) -> None:
    values = {"手机号": "13812345678", "手机尾号": "5678", "工单号": "GD1", "金额": "58", "日期": "12月1日"}
    assert field_value(name, values) == value


def test_a_missing_value_fills_nothing() -> None:
    assert field_value("手机号", {"金额": "5"}) is None
