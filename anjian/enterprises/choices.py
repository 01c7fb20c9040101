"""Enterprise enums: value, Chinese label, and the badge colour pages show."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scale(models.TextChoices):
    ABOVE = "above", _("规上")
    BELOW = "below", _("规下")


class SupervisionGrade(models.TextChoices):
    """分级分类监管等级. A is watched most closely; inspection frequency follows it."""

    A = "A", _("A类（重点监管）")
    B = "B", _("B类（较重点）")
    C = "C", _("C类（一般）")
    D = "D", _("D类（低风险）")


class StandardisationGrade(models.TextChoices):
    """企业安全生产标准化达标等级 (RULES.md §9): 一级 is highest; valid 3 years."""

    NONE = "", _("未达标")
    LEVEL_1 = "1", _("一级")
    LEVEL_2 = "2", _("二级")
    LEVEL_3 = "3", _("三级")


class Status(models.TextChoices):
    OPERATING = "operating", _("在营")
    SUSPENDED = "suspended", _("停产")
    CLOSED = "closed", _("歇业")
    DEREGISTERED = "deregistered", _("注销")


BADGE_COLOURS = {
    SupervisionGrade.A: "red",
    SupervisionGrade.B: "orange",
    SupervisionGrade.C: "yellow",
    SupervisionGrade.D: "blue",
    Status.OPERATING: "green",
    Status.SUSPENDED: "orange",
    Status.CLOSED: "secondary",
    Status.DEREGISTERED: "dark",
}

# The key flags (重点对象) every enterprise carries: field name → label.
KEY_FLAGS = {
    "involves_hazchem": _("涉及危化品"),
    "dust_explosion": _("粉尘涉爆"),
    "ammonia_refrigeration": _("涉氨制冷"),
    "confined_space": _("有限空间"),
    "fire_key_unit": _("消防重点单位"),
    "crowded_place": _("人员密集场所"),
}
