"""Risk enums: value, Chinese label and the badge colour pages show (红橙黄蓝 live here).

The four levels and colours follow 安委办〔2016〕11号 (RULES.md §4.1). A level's value is its
colour, so a filter reads ``?level=red`` and the map colours a point by the value itself.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """安全风险等级, highest first."""

    RED = "red", _("重大风险")
    ORANGE = "orange", _("较大风险")
    YELLOW = "yellow", _("一般风险")
    BLUE = "blue", _("低风险")


# Higher is worse; 0 = not yet assessed. Stored on the risk point so "highest risk of an
# enterprise" is a MAX() and the list sorts by it.
LEVEL_RANK = {Level.RED: 4, Level.ORANGE: 3, Level.YELLOW: 2, Level.BLUE: 1}
RANK_LEVEL = {rank: level for level, rank in LEVEL_RANK.items()}
# 重大风险清单: the regional list holds the 重大 and 较大 risk points.
REGISTER_LEVELS = (Level.RED, Level.ORANGE)

LEVEL_COLOURS = {
    Level.RED: "red",
    Level.ORANGE: "orange",
    Level.YELLOW: "yellow",
    Level.BLUE: "blue",
}
# Colours as the map and charts draw them (Tabler's red/orange/yellow/blue).
LEVEL_HEX = {
    Level.RED: "#d63939",
    Level.ORANGE: "#f76707",
    Level.YELLOW: "#f59f00",
    Level.BLUE: "#206bc4",
}
LEVEL_COLOUR_NAMES = {
    Level.RED: _("红"),
    Level.ORANGE: _("橙"),
    Level.YELLOW: _("黄"),
    Level.BLUE: _("蓝"),
}


class Method(models.TextChoices):
    LEC = "lec", _("LEC法（作业条件危险性评价，D=L×E×C）")
    LS = "ls", _("LS风险矩阵法（R=L×S）")


METHOD_SHORT = {Method.LEC: "LEC", Method.LS: "LS"}
# The factors each method multiplies, in order, with the score's letter.
METHOD_FACTORS = {Method.LEC: ("L", "E", "C"), Method.LS: ("L", "S")}
SCORE_LETTER = {Method.LEC: "D", Method.LS: "R"}
FACTOR_NAMES = {
    Method.LEC: {
        "L": _("L 事故发生的可能性"),
        "E": _("E 人员暴露于危险环境的频繁程度"),
        "C": _("C 发生事故可能造成的后果"),
    },
    Method.LS: {"L": _("L 事故发生的可能性"), "S": _("S 事故后果的严重性")},
}


class Stage(models.TextChoices):
    INHERENT = "inherent", _("固有风险（未考虑管控措施）")
    RESIDUAL = "residual", _("剩余风险（落实管控措施后）")


STAGE_SHORT = {Stage.INHERENT: _("固有"), Stage.RESIDUAL: _("剩余")}


class BoundaryRule(models.TextChoices):
    """Where a score equal to a band limit goes. Sources disagree (RULES.md §4.2, §4.3)."""

    LOWER = "lower", _("边界值归入较低等级（如 D=320 为较大风险，即“>320”为重大）")
    UPPER = "upper", _("边界值归入较高等级（如 D=320 为重大风险，即“≥320”为重大）")


class PointKind(models.TextChoices):
    AREA = "area", _("区域/场所")
    EQUIPMENT = "equipment", _("设备设施")
    ACTIVITY = "activity", _("作业活动")
    POST = "post", _("岗位")


class ControlLevel(models.TextChoices):
    """分级管控: the level that owns the risk (and a measure)."""

    COMPANY = "company", _("公司级")
    WORKSHOP = "workshop", _("车间级")
    TEAM = "team", _("班组级")
    POST = "post", _("岗位级")


# Usual assignment: 重大 → 公司, 较大 → 车间, 一般 → 班组, 低 → 岗位 (shown as a hint).
USUAL_CONTROL_LEVEL = {
    Level.RED: ControlLevel.COMPANY,
    Level.ORANGE: ControlLevel.WORKSHOP,
    Level.YELLOW: ControlLevel.TEAM,
    Level.BLUE: ControlLevel.POST,
}


class FactorClass(models.TextChoices):
    """GB/T 13861-2022 top-level classes of hazardous and harmful factors (RULES.md §7.2)."""

    HUMAN = "1", _("人的因素")
    MATERIAL = "2", _("物的因素")
    ENVIRONMENT = "3", _("环境因素")
    MANAGEMENT = "4", _("管理因素")


class AccidentType(models.TextChoices):
    """GB 6441-1986 accident types, 01–20 (RULES.md §7.1)."""

    STRUCK = "01", _("物体打击")
    VEHICLE = "02", _("车辆伤害")
    MACHINERY = "03", _("机械伤害")
    LIFTING = "04", _("起重伤害")
    ELECTRIC = "05", _("触电")
    DROWNING = "06", _("淹溺")
    SCALD = "07", _("灼烫")
    FIRE = "08", _("火灾")
    FALL = "09", _("高处坠落")
    COLLAPSE = "10", _("坍塌")
    ROOF_FALL = "11", _("冒顶片帮")
    FLOODING = "12", _("透水")
    BLASTING = "13", _("放炮")
    EXPLOSIVE = "14", _("火药爆炸")
    GAS_EXPLOSION = "15", _("瓦斯爆炸")
    BOILER = "16", _("锅炉爆炸")
    VESSEL = "17", _("容器爆炸")
    OTHER_EXPLOSION = "18", _("其它爆炸")
    POISONING = "19", _("中毒和窒息")
    OTHER = "20", _("其它伤害")


class MeasureKind(models.TextChoices):
    ENGINEERING = "engineering", _("工程技术措施")
    MANAGEMENT = "management", _("管理措施")
    TRAINING = "training", _("培训教育措施")
    PPE = "ppe", _("个体防护措施")
    EMERGENCY = "emergency", _("应急处置措施")


class PointStatus(models.TextChoices):
    ACTIVE = "active", _("在用")
    RETIRED = "retired", _("已注销")


class DueState:
    """Re-assessment due (list filter and reminders)."""

    SOON_DAYS = 30
    CHOICES = [
        ("overdue", _("已逾期")),
        ("soon", _("30天内到期")),
        ("ok", _("未到期")),
        ("none", _("未设定")),
    ]


STATUS_COLOURS = {PointStatus.ACTIVE: "green", PointStatus.RETIRED: "secondary"}
