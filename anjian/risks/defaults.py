"""The default band tables (version 1 of each method), seeded by a data migration.

Values from RULES.md §4. ``source`` is what the 风险分级标准 page shows as the basis of a
table's values: it cites only documents RULES.md supports, and says "平台默认值，请按本地
规定调整" where a value has no authoritative source. Where each value was found (web pages,
confidence marks) is developer knowledge, kept in docs/development/risk-grading.md, not
shown to users. The basis of the four levels themselves (安委办〔2016〕11号) and of the
factor and accident classifications is printed by the page (``risks/band_tables.html``)
for every table, whatever its source says.

Administrators publish new versions on the configuration page; these stay as version 1 and
keep grading the assessments made with it.
"""

LOCAL_DEFAULT = "平台默认值，请按本地规定调整"

LEC_SOURCE = (
    "D = L×E×C。L、E、C 的取值及 D 值的五档划分（D>320 极其危险、160–320 高度危险、"
    "70–160 显著危险、20–70 一般危险、D<20 稍有危险）采用作业条件危险性评价法（LEC 法）"
    "的通用取值表。"
    f"D 值与四级风险的对应（D>320 重大、160<D≤320 较大、70<D≤160 一般、D≤70 低）及分界值"
    f"归属：{LOCAL_DEFAULT}（未见国家文件规定这一对应关系）。"
    f"C 值各档的后果说明：{LOCAL_DEFAULT}。"
)
LS_SOURCE = (
    "R = L×S，L、S 各取 1–5（风险矩阵法）。"
    f"四级分界（R≥20 重大、9≤R<20 较大、4≤R<9 一般、R<4 低）：{LOCAL_DEFAULT}"
    "（各地、各行业采用的分界不一致，未见国家文件统一规定）。"
    f"L、S 各档的说明：{LOCAL_DEFAULT}。"
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
        "edition": "LEC 通用取值，D 值分界对应四级（平台默认第1版）",
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
        "edition": "LS 风险矩阵四级分界（平台默认第1版）",
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
