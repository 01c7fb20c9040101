from django.db import models
from django.utils.translation import gettext_lazy as _


class DrawState(models.TextChoices):
    DRAWN = "drawn", _("已抽取")
    PUBLISHED = "published", _("已公示")
    VOIDED = "voided", _("已作废")


class TaskState(models.TextChoices):
    ASSIGNED = "assigned", _("待检查")
    DONE = "done", _("已检查")
    CANCELLED = "cancelled", _("已取消")


class Outcome(models.TextChoices):
    """The result a 双随机 publication states for each target."""

    NO_PROBLEM = "no_problem", _("未发现问题")
    RECTIFY = "rectify", _("发现问题，责令整改")
    PENALTY = "penalty", _("发现问题，立案处罚")
    NOT_FOUND = "not_found", _("未发现开展经营活动（查无下落）")


DRAW_STATE_COLOURS = {
    DrawState.DRAWN: "yellow",
    DrawState.PUBLISHED: "green",
    DrawState.VOIDED: "secondary",
}
TASK_STATE_COLOURS = {
    TaskState.ASSIGNED: "yellow",
    TaskState.DONE: "green",
    TaskState.CANCELLED: "secondary",
}
