"""The choices of 危险化学品与重大危险源."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogueSource(models.TextChoices):
    SHIPPED = "shipped", _("GB 18218 表1（随平台提供）")
    IMPORTED = "imported", _("目录导入")
    ENTERED = "entered", _("手工登记")


class UnitKind(models.TextChoices):
    PRODUCTION = "production", _("生产单元")
    STORAGE = "storage", _("储存单元")


class Mixture(models.TextChoices):
    """GB 18218-2018 4.2.3 (``identification.Mixture``)."""

    NO = "no", _("纯物质")
    AS_PURE = "as_pure", _("混合物（危险性类别与纯物质相同）")
    OWN = "own", _("混合物（按自身危险性类别）")


class Grade(models.TextChoices):
    """重大危险源级别, 一级 the highest (GB 18218-2018 table 6)."""

    FIRST = "1", _("一级")
    SECOND = "2", _("二级")
    THIRD = "3", _("三级")
    FOURTH = "4", _("四级")


class SourceState(models.TextChoices):
    IDENTIFIED = "identified", _("已辨识，待备案")
    FILED = "filed", _("已备案")
    CLOSED = "closed", _("已核销")


class DutyRole(models.TextChoices):
    """The three 包保责任人 of a source (应急厅〔2021〕12号 Art. 3)."""

    PRINCIPAL = "principal", _("主要负责人")
    TECHNICAL = "technical", _("技术负责人")
    OPERATIONAL = "operational", _("操作负责人")
