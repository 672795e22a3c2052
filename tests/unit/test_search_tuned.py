"""Search on a library unlike the standard one (an online shop's service desk), with queries typed the
way agents type. Not held out: the engine was tuned on it, so it guards against regressions only;
generalisation is judged on libraries and queries kept outside this repository."""

from __future__ import annotations

from palette.core.model import Phrase
from palette.core.search import SearchIndex

SHOP = [
    ("退货流程说明", "售后", "您好,退货请在订单页面点击申请退货,填写原因后等待审核。", "th1"),
    ("换货政策", "售后", "商品签收七天内支持换货,请保持包装完好。", ""),
    ("退款到账时间", "售后", "退款审核通过后,款项将在三到五个工作日原路退回。", "tk1"),
    ("物流查询指引", "物流", "您可以在我的订单里查看物流信息,或提供运单号我帮您查询。", "wl1"),
    ("快递延误致歉", "物流", "非常抱歉快递延误给您带来不便,我已联系快递公司加急处理。", ""),
    ("发票开具", "财务", "电子发票会在订单完成后发送到您的邮箱,请注意查收。", "fp"),
    ("修改收货地址", "订单", "订单发货前可以修改收货地址,请提供新的地址和联系电话。", ""),
    ("取消订单", "订单", "未发货的订单可以直接取消,已发货的订单需要拒收后办理退款。", "qx"),
    ("优惠券使用规则", "营销", "优惠券需在有效期内使用,每个订单限用一张,不可与其他活动叠加。", ""),
    ("会员积分说明", "营销", "每消费一元积一分,积分可以在会员中心兑换礼品。", "jf"),
    ("银行卡支付失败", "支付", "支付失败可能是银行卡余额不足或限额,建议更换支付方式重新支付。", ""),
    ("重新发货", "物流", "包裹丢失的情况下我们会为您重新发货,请您耐心等待。", ""),
    ("长时间未回复致歉", "安抚", "非常抱歉让您久等了,现在由我继续为您服务。", ""),
    ("投诉受理", "投诉", "您的投诉已经受理,我们会在二十四小时内给您回复。", "ts"),
    ("商品质量问题", "售后", "请您拍照上传商品的质量问题,我们核实后为您处理。", ""),
    ("结束语", "结束", "感谢您的咨询,祝您购物愉快,再见!", "js"),
    ("夜间结束语", "结束", "感谢您的耐心,夜深了,祝您晚安!", ""),
    ("价格保护", "营销", "下单后七天内商品降价,可以申请价格保护补差价。", "bj"),
    ("账号被锁定", "账户", "您的账号因多次密码错误被锁定,请通过找回密码重新设置。", ""),
    ("实名认证失败", "账户", "实名认证失败请确认身份证信息填写正确后再次提交。", ""),
]

QUERIES = [
    ("tuihuo", "退货流程说明"),
    ("th", "退货流程说明"),
    ("退款", "退款到账时间"),
    ("tkdz", "退款到账时间"),
    ("wuliu", "物流查询指引"),
    ("kuaidi yanwu", "快递延误致歉"),
    ("发漂", "发票开具"),
    ("fapiao", "发票开具"),
    ("改地址", "修改收货地址"),
    ("quxiao", "取消订单"),
    ("youhuiquan", "优惠券使用规则"),
    ("yhq", "优惠券使用规则"),
    ("jifen", "会员积分说明"),
    ("yinhangka", "银行卡支付失败"),
    ("chongxin fahuo", "重新发货"),
    ("changshijian", "长时间未回复致歉"),
    ("tousu", "投诉受理"),
    ("投述", "投诉受理"),
    ("zhiliang", "商品质量问题"),
    ("jieshu wanan", "夜间结束语"),
    ("#结束 晚安", "夜间结束语"),
    ("jiagebaohu", "价格保护"),
    ("suoding", "账号被锁定"),
    ("shimingrenzheng", "实名认证失败"),
    ("smrz", "实名认证失败"),
    ("tuihou", "退货流程说明"),
    ("wlcx", "物流查询指引"),
    ("hh", "换货政策"),
    ("qixiao", "取消订单"),
    ("zhanghao", "账号被锁定"),
]


def test_the_engine_generalises_to_another_library() -> None:
    phrases = [Phrase(f"t{i}", "网店客服", c, t, b, s) for i, (t, c, b, s) in enumerate(SHOP)]
    index = SearchIndex.from_phrases(phrases, libraries=["网店客服"])
    misses = [
        (q, [h.phrase.title for h in index.query(q, 3)])
        for q, want in QUERIES
        if [h.phrase.title for h in index.query(q, 1)] != [want]
    ]
    assert len(misses) <= len(QUERIES) // 10, misses
