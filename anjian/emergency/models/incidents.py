"""突发事件: the incident, its response and its record.

An incident is opened by hand, from an accident or from an alarm (or a warning); it
carries its type, level, place, lead organisation and commander and runs on the kernel
(``lifecycle.INCIDENT``: reported → responding → closed → reviewed). Activating a plan at a
level (``PlanActivation``) creates that level's tasks (``IncidentTask``). The command log
(``CommandLogEntry``) is append-only: every decision, report and dispatch with its time and
author — the timeline replays it. Each resource sent is an ``Assignment`` with its own
lifecycle (dispatched → en route → on scene → released). The after-action review's lessons
become tasks.

Scoped by where it happened (``region_code``, the street's code); enterprise users do not
see incidents (they report accidents, which officials may turn into incidents).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.models import TransitionRecord, VersionedModel
from anjian.core.scoping import ScopedQuerySet, ScopePaths
from anjian.emergency.choices import (
    IncidentLevel,
    IncidentSource,
    IncidentType,
    LogKind,
    ResourceKind,
    ResponseLevel,
    TaskSource,
    TaskState,
)


class IncidentState(models.TextChoices):
    REPORTED = "reported", _("已接报")
    RESPONDING = "responding", _("响应中")
    CLOSED = "closed", _("响应结束")
    REVIEWED = "reviewed", _("已复盘")
    VOIDED = "voided", _("已作废")


OPEN_INCIDENT_STATES = (IncidentState.REPORTED, IncidentState.RESPONDING)


class Incident(VersionedModel):
    scope_paths = ScopePaths(region="region_code")

    number = models.CharField(_("事件编号"), max_length=24, unique=True, editable=False)
    title = models.CharField(_("事件名称"), max_length=200)
    incident_type = models.CharField(_("事件类型"), max_length=12, choices=IncidentType.choices)
    subtype = models.CharField(_("事件细类"), max_length=60, blank=True)
    level = models.CharField(_("事件级别"), max_length=1, choices=IncidentLevel.choices, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("发生地")
    )
    region_code = models.CharField(max_length=24, editable=False, db_index=True)
    place = models.CharField(_("发生地点"), max_length=200)
    latitude = models.FloatField(
        _("纬度"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("经度"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    occurred_at = models.DateTimeField(_("发生时间"))
    summary = models.TextField(_("事件概况"), max_length=4000)
    lead_organisation = models.CharField(_("牵头处置单位"), max_length=120, blank=True)
    commander = models.CharField(_("现场总指挥"), max_length=60, blank=True)
    commander_phone = models.CharField(_("总指挥电话"), max_length=40, blank=True)
    source = models.CharField(
        _("来源"), max_length=10, choices=IncidentSource.choices, default=IncidentSource.MANUAL
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("涉事单位"),
    )
    accident = models.ForeignKey(
        "accidents.Accident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("关联事故"),
    )
    alarm = models.ForeignKey(
        "monitoring.Alarm",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("关联报警"),
    )
    warning = models.ForeignKey(
        "cap.CapAlert",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("关联预警"),
    )
    state = models.CharField(
        _("状态"),
        max_length=12,
        choices=IncidentState.choices,
        default=IncidentState.REPORTED,
        editable=False,
    )
    reported_at = models.DateTimeField(_("接报时间"), default=timezone.now, editable=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    responding_since = models.DateTimeField(_("启动响应时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("响应结束时间"), null=True, blank=True)
    # The opening form's one-time key: the same form sent twice (a double tap, a phone
    # resending) finds the incident of the first post.
    open_token = models.UUIDField(null=True, blank=True, editable=False)
    synthetic = models.BooleanField(default=False, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("突发事件")
        verbose_name_plural = _("突发事件")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["region_code", "occurred_at"], name="incident_region_time"),
            models.Index(fields=["state", "occurred_at"], name="incident_state_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reported_by", "open_token"],
                condition=models.Q(open_token__isnull=False),
                name="incident_open_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("emergency:incident_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_INCIDENT_STATES


class IncidentTransition(TransitionRecord):
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("事件办理记录")
        verbose_name_plural = _("事件办理记录")


class PlanActivation(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="activations")
    plan = models.ForeignKey(
        "emergency.EmergencyPlan", on_delete=models.PROTECT, related_name="activations"
    )
    level = models.CharField(_("响应级别"), max_length=1, choices=ResponseLevel.choices)
    activated_at = models.DateTimeField(_("启动时间"), default=timezone.now)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("终止时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预案启动")
        verbose_name_plural = _("预案启动")
        ordering = ["incident", "activated_at", "id"]
        constraints = [
            # A plan runs at one level at a time in an incident, and the same level is
            # not started twice while it runs (its tasks would be created twice).
            models.UniqueConstraint(
                fields=["incident", "plan"],
                condition=models.Q(ended_at__isnull=True),
                name="activation_one_running_per_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.get_level_display()}"


class IncidentTask(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="tasks")
    activation = models.ForeignKey(
        PlanActivation, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    source = models.CharField(_("来源"), max_length=8, choices=TaskSource.choices)
    title = models.CharField(_("任务"), max_length=200)
    responsible = models.CharField(_("责任岗位/单位"), max_length=120)
    due_at = models.DateTimeField(_("完成时限"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=TaskState.choices, default=TaskState.OPEN
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("完成情况"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("处置任务")
        verbose_name_plural = _("处置任务")
        ordering = ["incident", "state", "due_at", "id"]

    def __str__(self) -> str:
        return self.title


class CommandLogEntry(models.Model):
    """One line of the command log; never edited or deleted (a correction is a new line)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="log")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("记录人"),
    )
    kind = models.CharField(_("类别"), max_length=12, choices=LogKind.choices)
    text = models.TextField(_("内容"), max_length=4000)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("指挥日志")
        verbose_name_plural = _("指挥日志")
        ordering = ["incident", "at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.get_kind_display()}"


class AssignmentState(models.TextChoices):
    DISPATCHED = "dispatched", _("已调派")
    EN_ROUTE = "en_route", _("赶赴途中")
    ON_SCENE = "on_scene", _("已到场")
    RELEASED = "released", _("已撤离")
    CANCELLED = "cancelled", _("已取消")


ACTIVE_ASSIGNMENT_STATES = (
    AssignmentState.DISPATCHED,
    AssignmentState.EN_ROUTE,
    AssignmentState.ON_SCENE,
)
_ACTIVE = ["dispatched", "en_route", "on_scene"]


def _resource(model: str):
    return models.ForeignKey(
        model, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )


class Assignment(VersionedModel):
    """One resource sent to an incident: a team, a quantity of a supply, equipment, places
    in a shelter, or an expert."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="assignments")
    kind = models.CharField(_("资源类型"), max_length=10, choices=ResourceKind.choices)
    team = _resource("emergency.RescueTeam")
    supply = _resource("emergency.Supply")
    equipment = _resource("emergency.Equipment")
    shelter = _resource("emergency.Shelter")
    expert = _resource("emergency.Expert")
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    distance_km = models.FloatField(_("调派时距离（公里）"), null=True, blank=True)
    task = models.CharField(_("任务"), max_length=200, blank=True)
    state = models.CharField(
        _("状态"),
        max_length=12,
        choices=AssignmentState.choices,
        default=AssignmentState.DISPATCHED,
        editable=False,
    )
    dispatched_at = models.DateTimeField(_("调派时间"), default=timezone.now)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    en_route_at = models.DateTimeField(_("出发时间"), null=True, blank=True)
    on_scene_at = models.DateTimeField(_("到场时间"), null=True, blank=True)
    released_at = models.DateTimeField(_("撤离时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("资源调派")
        verbose_name_plural = _("资源调派")
        ordering = ["incident", "dispatched_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="assignment_quantity"),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=ResourceKind.TEAM, team__isnull=False)
                    | models.Q(kind=ResourceKind.SUPPLY, supply__isnull=False)
                    | models.Q(kind=ResourceKind.EQUIPMENT, equipment__isnull=False)
                    | models.Q(kind=ResourceKind.SHELTER, shelter__isnull=False)
                    | models.Q(kind=ResourceKind.EXPERT, expert__isnull=False)
                ),
                name="assignment_names_its_resource",
            ),
            # A team or an expert is on one active assignment at a time: the last free
            # team sent twice at once fails here even if a service forgot its lock.
            models.UniqueConstraint(
                fields=["team"],
                condition=models.Q(team__isnull=False, state__in=_ACTIVE),
                name="team_one_active_assignment",
            ),
            models.UniqueConstraint(
                fields=["expert"],
                condition=models.Q(expert__isnull=False, state__in=_ACTIVE),
                name="expert_one_active_assignment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.get_kind_display()} {self.resource}"

    @property
    def resource(self):
        return self.team or self.supply or self.equipment or self.shelter or self.expert


class AssignmentTransition(TransitionRecord):
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("调派状态记录")
        verbose_name_plural = _("调派状态记录")


class AfterActionReview(models.Model):
    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="review")
    summary = models.TextField(_("处置总结"), max_length=4000)
    went_well = models.TextField(_("有效做法"), max_length=4000, blank=True)
    problems = models.TextField(_("存在问题"), max_length=4000, blank=True)
    reviewed_on = models.DateField(_("复盘日期"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("复盘评估")
        verbose_name_plural = _("复盘评估")

    def __str__(self) -> str:
        return f"{self.incident_id} 复盘"
