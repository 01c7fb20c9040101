"""The classifications an accident record carries: its grade (493号令 Art. 3), its category
for statistics (which ministry reports it, and whether it is 工矿商贸: RULES.md §8), its
type (GB 6441-1986, RULES.md §7.1), and the levels a report climbs (Art. 10)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    """493号令 Art. 3, from the lightest; ``RANK`` orders them."""

    GENERAL = "general", _("一般事故")
    LARGER = "larger", _("较大事故")
    MAJOR = "major", _("重大事故")
    EXTRAORDINARY = "extraordinary", _("特别重大事故")


RANK = {grade: rank for rank, grade in enumerate(Grade)}


class Category(models.TextChoices):
    """统计类别. The first six are 工矿商贸 (RULES.md §8); the rest are reported by their own
    ministries and count only in the all-accident figures (亿元GDP死亡率)."""

    COAL_MINE = "coal_mine", _("煤矿")
    METAL_MINE = "metal_mine", _("金属非金属矿山")
    CONSTRUCTION = "construction", _("建筑施工")
    HAZCHEM = "hazchem", _("危险化学品")
    FIREWORKS = "fireworks", _("烟花爆竹")
    TRADE_OTHER = "trade_other", _("工矿商贸其他")
    FIRE = "fire", _("火灾")
    ROAD = "road", _("道路交通")
    RAIL = "rail", _("铁路交通")
    WATER = "water", _("水上交通")
    AVIATION = "aviation", _("民航飞行")
    FARM_MACHINERY = "farm_machinery", _("农业机械")
    FISHING = "fishing", _("渔业船舶")


INDUSTRY_TRADE = frozenset(
    {
        Category.COAL_MINE,
        Category.METAL_MINE,
        Category.CONSTRUCTION,
        Category.HAZCHEM,
        Category.FIREWORKS,
        Category.TRADE_OTHER,
    }
)
# 493号令 Art. 13 and the 2016 statistics system: casualty changes count within 7 days for
# road traffic and fire accidents, within 30 days for every other accident.
SEVEN_DAY_CATEGORIES = frozenset({Category.ROAD, Category.FIRE})


class AccidentType(models.TextChoices):
    """GB 6441-1986 事故类别 (01–20)."""

    STRUCK = "01", _("物体打击")
    VEHICLE = "02", _("车辆伤害")
    MACHINERY = "03", _("机械伤害")
    LIFTING = "04", _("起重伤害")
    ELECTRIC = "05", _("触电")
    DROWNING = "06", _("淹溺")
    BURN = "07", _("灼烫")
    FIRE = "08", _("火灾")
    FALL = "09", _("高处坠落")
    COLLAPSE = "10", _("坍塌")
    ROOF_FALL = "11", _("冒顶片帮")
    FLOODING = "12", _("透水")
    BLASTING = "13", _("放炮")
    EXPLOSIVE = "14", _("火药爆炸")
    GAS = "15", _("瓦斯爆炸")
    BOILER = "16", _("锅炉爆炸")
    VESSEL = "17", _("容器爆炸")
    OTHER_EXPLOSION = "18", _("其它爆炸")
    POISONING = "19", _("中毒和窒息")
    OTHER = "20", _("其它伤害")


class Level(models.TextChoices):
    """Who a report reaches (493号令 Art. 9–10), from the unit up."""

    COUNTY = "county", _("县级应急管理部门")
    CITY = "city", _("设区的市级应急管理部门")
    PROVINCE = "province", _("省级应急管理部门")
    STATE = "state", _("国务院应急管理部门")


class FlagKind(models.TextChoices):
    """The four reporting failures (生产安全事故罚款处罚规定 Art. 5)."""

    LATE = "late", _("迟报")
    OMITTED = "omitted", _("漏报")
    FALSE = "false", _("谎报")
    CONCEALED = "concealed", _("瞒报")


class ReportKind(models.TextChoices):
    QUICK = "quick", _("快报")
    FOLLOW_UP = "follow_up", _("续报")


class Nature(models.TextChoices):
    """事故性质, as the investigation report finds it."""

    LIABILITY = "liability", _("责任事故")
    NO_LIABILITY = "no_liability", _("非责任事故")
    NATURAL = "natural", _("自然灾害事故")


class MeasureState(models.TextChoices):
    OPEN = "open", _("落实中")
    DONE = "done", _("已落实")


class Rating(models.TextChoices):
    """整改措施落实后评估 conclusion."""

    IMPLEMENTED = "implemented", _("落实到位")
    MOSTLY = "mostly", _("基本落实")
    NOT_IMPLEMENTED = "not_implemented", _("未落实")
