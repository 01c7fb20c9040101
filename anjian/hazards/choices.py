"""Hazard enums: value, Chinese label (gettext) and the badge colour pages show."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    """The hazard lifecycle (DESIGN.md, Lifecycles). Transitions live in ``lifecycle.py``."""

    REPORTED = "reported", _("待上账")
    REGISTERED = "registered", _("已上账")
    RECTIFYING = "rectifying", _("整改中")
    AWAITING_ACCEPTANCE = "awaiting_acceptance", _("待验收")
    CLOSED = "closed", _("已销号")
    VOID = "void", _("已作废")


OPEN_STATES = (State.REPORTED, State.REGISTERED, State.RECTIFYING, State.AWAITING_ACCEPTANCE)
# States in which the rectification deadline runs (overdue is derived from it).
DEADLINE_STATES = (State.REGISTERED, State.RECTIFYING, State.AWAITING_ACCEPTANCE)


class Grade(models.TextChoices):
    NONE = "", _("未定级")
    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")


class Source(models.TextChoices):
    """Where a hazard was found. Every source ends in the one ledger."""

    SELF_CHECK = "self_check", _("企业自查")
    INSPECTION = "inspection", _("监督检查")
    PATROL = "patrol", _("网格巡查")
    TIPOFF = "tipoff", _("群众举报")
    ALARM = "alarm", _("监测报警")
    OTHER = "other", _("其他")


# Sources found by the government side: their general hazards are accepted by government too.
GOVERNMENT_SOURCES = (Source.INSPECTION, Source.PATROL, Source.TIPOFF)


class Category(models.TextChoices):
    """GB/T 13861-2022 top-level classes of hazardous and harmful factors."""

    NONE = "", _("未分类")
    HUMAN = "1", _("人的因素")
    MATERIAL = "2", _("物的因素")
    ENVIRONMENT = "3", _("环境因素")
    MANAGEMENT = "4", _("管理因素")


class PhotoStage(models.TextChoices):
    FOUND = "found", _("发现时")
    BEFORE = "before", _("整改前")
    AFTER = "after", _("整改后")
    ACCEPTANCE = "acceptance", _("验收")


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")


class ListingLevel(models.TextChoices):
    """挂牌督办 level: who lists the hazard and signs it off."""

    CITY = "city", _("市级")
    DISTRICT = "district", _("区级")
    STREET = "street", _("街镇级")


class ListingState(models.TextChoices):
    LISTED = "listed", _("督办中")
    SIGNED_OFF = "signed_off", _("已摘牌")


class RevisitState(models.TextChoices):
    SCHEDULED = "scheduled", _("待回头看")
    DONE = "done", _("已完成")


class RevisitResult(models.TextChoices):
    NONE = "", _("—")
    SUSTAINED = "sustained", _("整改成效巩固")
    RELAPSED = "relapsed", _("隐患反弹")


class EscalationTarget(models.TextChoices):
    """Rungs of the overdue ladder: owner → supervising department → district 安委办."""

    OWNER = "owner", _("整改责任人（企业）")
    DEPARTMENT = "department", _("行业监管部门")
    COMMITTEE = "committee", _("区安委办")


class DuplicateState(models.TextChoices):
    OPEN = "open", _("待确认")
    MERGED = "merged", _("已合并")
    DISMISSED = "dismissed", _("不是重复")


class StandardDomain(models.TextChoices):
    CHEMICAL = "chemical", _("化工和危险化学品")
    INDUSTRY_TRADE = "industry_trade", _("工贸企业")
    CONSTRUCTION = "construction", _("房屋市政工程")
    FIRE = "fire", _("消防（重大火灾隐患）")
    OTHER = "other", _("其他")


class CheckFrequency(models.TextChoices):
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    SPECIAL = "special", _("专项")


BADGE_COLOURS = {
    State.REPORTED: "azure",
    State.REGISTERED: "blue",
    State.RECTIFYING: "orange",
    State.AWAITING_ACCEPTANCE: "purple",
    State.CLOSED: "green",
    State.VOID: "secondary",
    Grade.GENERAL: "yellow",
    Grade.MAJOR: "red",
    ListingState.LISTED: "red",
    ListingState.SIGNED_OFF: "green",
    ExtensionState.PENDING: "orange",
    ExtensionState.APPROVED: "green",
    ExtensionState.REFUSED: "secondary",
    RevisitState.SCHEDULED: "orange",
    RevisitState.DONE: "green",
}
