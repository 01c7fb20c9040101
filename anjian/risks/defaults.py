"""The default band tables (version 1 of each method), seeded by a data migration.

Values and confidence from RULES.md §4. Administrators publish new versions on the
configuration page; these stay as version 1 and keep grading the assessments made with it.
"""

LEC_SOURCE = (
    "LEC 取值与 D 值五级划分：作业条件危险性评价法常用取值表（xiaomilidoc.com p-9291236；"
    "aqrzj.com doc/348231），置信度高。四色映射 D>320 重大、160<D≤320 较大、70<D≤160 一般、"
    "D≤70 低：按同一分界点对应四级（置信度中），无国家文本规定；各来源对分界值归属"
    "（“>320”或“≥320”）说法不一，本平台默认分界值归入较低等级，可在此修改。"
    "C 值说明各来源不同（有的把 C=100 对应“≥3人死亡或直接经济损失≥2000万元”），"
    "请按本地区或本单位采用的标准调整说明。"
)
LS_SOURCE = (
    "LS 风险矩阵 R=L×S（L、S 各取 1–5）。分级：zgmkw.com doc-30900 为 20–25 重大、"
    "9–16 较大、4–8 一般、1–3 低；mtoou.info tubiao/54344（煤矿论文）为 10–16 较大、"
    "4–9 一般，二者在 20–25、4–8、≤3 上一致；另有山东 DB37/T 2882-2016 附录的分法"
    "（15–16 较大、9–12 一般、1–8 低，未核实）。本平台默认采用 zgmkw 分法（置信度中低），"
    "可按本地区采用的标准修改。L、S 说明参照常见企业风险矩阵说明（m.taowenge.com p-95858702）。"
)

LEC_FACTORS = {
    "L": [
        ["10", "完全可以预料"],
        ["6", "相当可能"],
        ["3", "可能，但不经常"],
        ["1", "可能性小，完全意外"],
        ["0.5", "很不可能，可以设想"],
        ["0.2", "极不可能"],
        ["0.1", "实际不可能"],
    ],
    "E": [
        ["10", "连续暴露"],
        ["6", "每天工作时间内暴露"],
        ["3", "每周一次或偶然暴露"],
        ["2", "每月一次暴露"],
        ["1", "每年几次暴露"],
        ["0.5", "非常罕见地暴露"],
    ],
    "C": [
        ["100", "大灾难，许多人死亡"],
        ["40", "灾难，数人死亡"],
        ["15", "非常严重，一人死亡"],
        ["7", "严重，重伤"],
        ["3", "重大，致残"],
        ["1", "引人注目，需要救护"],
    ],
}

LS_FACTORS = {
    "L": [
        ["5", "很可能：无防范、监测、控制措施，或危害发生不能被发现；经常发生"],
        ["4", "可能：危害发生不易被发现，无检测手段；曾发生过类似事故"],
        ["3", "偶然：措施不完善或未严格执行操作规程；过去偶尔发生"],
        ["2", "不大可能：有充分、有效的防范、控制、监测措施；极少发生"],
        ["1", "极不可能：措施充分有效，员工安全意识高并严格执行规程；从未发生"],
    ],
    "S": [
        ["5", "特别严重：造成死亡，或直接经济损失较大"],
        ["4", "严重：重伤、丧失劳动能力，或较大直接经济损失"],
        ["3", "较严重：轻伤或职业病，一定的直接经济损失"],
        ["2", "一般：轻微受伤、短时不适，较小损失"],
        ["1", "轻微：无伤亡，无直接损失"],
    ],
}

BAND_TABLES = [
    {
        "method": "lec",
        "version": 1,
        "boundary_rule": "lower",
        "bands": [
            {"level": "red", "limit": "320"},
            {"level": "orange", "limit": "160"},
            {"level": "yellow", "limit": "70"},
            {"level": "blue", "limit": None},
        ],
        "factors": LEC_FACTORS,
        "source": LEC_SOURCE,
        "edition": "LEC 经典五级分界对应四色（平台默认第1版）",
    },
    {
        "method": "ls",
        "version": 1,
        "boundary_rule": "upper",
        "bands": [
            {"level": "red", "limit": "20"},
            {"level": "orange", "limit": "9"},
            {"level": "yellow", "limit": "4"},
            {"level": "blue", "limit": None},
        ],
        "factors": LS_FACTORS,
        "source": LS_SOURCE,
        "edition": "LS 矩阵 zgmkw 分法（平台默认第1版）",
    },
]


def seed_band_tables(band_table_model) -> int:
    """Insert version 1 of each method if absent (the data migration passes its model)."""
    created = 0
    for table in BAND_TABLES:
        if not band_table_model.objects.filter(
            method=table["method"], version=table["version"]
        ).exists():
            band_table_model.objects.create(**table)
            created += 1
    return created
