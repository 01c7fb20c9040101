"""应急演练: drill plans and records, their evaluation, and the problems a drill found,
each with an improvement task tracked to completion.

A drill is planned (``planned_on``), held (``held_on``, participants, what was done) and
evaluated (score, problems). The frequency rules (88号令 Art. 33, 708号令 Art. 8; RULES.md
§10.1) read held drills by unit and kind: ``selectors`` decides who is behind.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.models import TransitionRecord
from anjian.emergency.choices import DrillForm, DrillKind, TaskState
from anjian.emergency.models.base import Owned
from anjian.emergency.models.plans import OwnedQuerySet


class DrillState(models.TextChoices):
    PLANNED = "planned", _("计划中")
    HELD = "held", _("已实施")
    EVALUATED = "evaluated", _("已评估")
    CANCELLED = "cancelled", _("已取消")


class Drill(Owned):
    number = models.CharField(_("演练编号"), max_length=24, unique=True, editable=False)
    title = models.CharField(_("演练名称"), max_length=200)
    kind = models.CharField(_("演练类型"), max_length=16, choices=DrillKind.choices)
    form = models.CharField(_("演练形式"), max_length=12, choices=DrillForm.choices)
    plan = models.ForeignKey(
        "emergency.EmergencyPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drills",
        verbose_name=_("演练的预案"),
    )
    scenario = models.TextField(_("演练情景"), max_length=2000)
    planned_on = models.DateField(_("计划日期"))
    held_on = models.DateField(_("实施日期"), null=True, blank=True, editable=False)
    place = models.CharField(_("演练地点"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("参演人数"), null=True, blank=True)
    record = models.TextField(_("演练记录"), max_length=4000, blank=True)
    state = models.CharField(
        _("状态"),
        max_length=12,
        choices=DrillState.choices,
        default=DrillState.PLANNED,
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    synthetic = models.BooleanField(default=False, editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")
        ordering = ["-planned_on", "-id"]
        indexes = [
            models.Index(fields=["scope_region_code", "held_on"], name="drill_region_held"),
            models.Index(fields=["enterprise", "kind", "held_on"], name="drill_unit_kind_held"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("emergency:drill_detail", args=[self.pk])


class DrillTransition(TransitionRecord):
    drill = models.ForeignKey(Drill, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("演练办理记录")
        verbose_name_plural = _("演练办理记录")


class DrillEvaluation(models.Model):
    drill = models.OneToOneField(Drill, on_delete=models.PROTECT, related_name="evaluation")
    score = models.PositiveSmallIntegerField(_("评估得分"), validators=[MaxValueValidator(100)])
    evaluators = models.CharField(_("评估人员"), max_length=200)
    evaluated_on = models.DateField(_("评估日期"))
    summary = models.TextField(_("评估结论"), max_length=4000)
    plan_needs_revision = models.BooleanField(_("预案需修订"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("演练评估")
        verbose_name_plural = _("演练评估")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__lte=100), name="drill_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.drill_id} {self.score}"


class DrillProblem(models.Model):
    """A problem the drill found and the improvement task that answers it."""

    drill = models.ForeignKey(Drill, on_delete=models.PROTECT, related_name="problems")
    description = models.TextField(_("发现的问题"), max_length=2000)
    improvement = models.CharField(_("改进措施"), max_length=500)
    responsible = models.CharField(_("责任人/部门"), max_length=120)
    due_on = models.DateField(_("完成期限"))
    state = models.CharField(
        _("状态"), max_length=12, choices=TaskState.choices, default=TaskState.OPEN
    )
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    done_note = models.CharField(_("完成情况"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("演练发现问题")
        verbose_name_plural = _("演练发现问题")
        ordering = ["drill", "due_on", "id"]

    def __str__(self) -> str:
        return self.improvement
