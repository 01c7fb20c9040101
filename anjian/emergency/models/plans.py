"""应急预案: a government's, department's or unit's plan, one row per version.

A revision is a new ``EmergencyPlan`` row whose ``previous`` is the version it replaces;
publishing the new one supersedes the old (kept, never deleted). Filing (备案) runs on the
kernel (``lifecycle.PLAN``): due 20 working days after publication (88号令 Art. 26,
国办发〔2024〕5号), counted on the working-day calendar, whose source is recorded with the
deadline. Assessment is due every ``assessment_cycle_years`` after publication or the last
assessment, and at once when a revision trigger is recorded (RULES.md §10.1).

What the plan says for each response level — the trigger, who commands, and the tasks a
level starts (``PlanTask``) — is data here, so activating the plan in an incident can
create that level's tasks.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.models import TransitionRecord
from anjian.core.scoping import Scope, ScopedQuerySet, scope_of
from anjian.emergency.choices import PlanType, ResponseLevel, RevisionTrigger
from anjian.emergency.models.base import Owned


class PlanState(models.TextChoices):
    DRAFT = "draft", _("编制中")
    PUBLISHED = "published", _("已发布待备案")
    SUBMITTED = "submitted", _("备案审查中")
    RETURNED = "returned", _("备案退回")
    FILED = "filed", _("已备案")
    SUPERSEDED = "superseded", _("已被修订版替代")
    ABOLISHED = "abolished", _("已废止")


IN_FORCE_STATES = (PlanState.PUBLISHED, PlanState.SUBMITTED, PlanState.RETURNED, PlanState.FILED)


class OwnedQuerySet(ScopedQuerySet):
    """Plans and drills are scoped like any enterprise-owned row (region prefix, the
    industries of an industry department, a unit's own) — except that a government's or a
    department's own record has no industry: an industry department (建管委) sees the
    plans and drills of the governments and departments of its region, its own 部门预案
    among them, besides its industries' units'. Who may *change* such a record is decided
    by the services (``services_common.check_keeper``), not by what one sees."""

    def for_scope(self, scope: Scope) -> "OwnedQuerySet":
        if (
            scope.everything
            or scope.enterprise_id is not None
            or scope.region_prefix is None
            or scope.industry_ids is None
        ):
            return super().for_scope(scope)
        return self.filter(
            Q(scope_region_code__startswith=scope.region_prefix)
            & (Q(enterprise__isnull=True) | Q(industry_id__in=sorted(scope.industry_ids)))
        )

    def for_user(self, user) -> "OwnedQuerySet":
        return self.for_scope(scope_of(user))


class EmergencyPlan(Owned):
    number = models.CharField(_("预案编号"), max_length=24, unique=True, editable=False)
    title = models.CharField(_("预案名称"), max_length=200)
    plan_type = models.CharField(_("预案类型"), max_length=16, choices=PlanType.choices)
    edition = models.CharField(_("版本"), max_length=40, help_text=_("如“2025年版”"))
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("修订前版本"),
    )
    scope_text = models.TextField(_("适用范围"), max_length=2000, blank=True)
    risks = models.TextField(
        _("针对的风险"), max_length=2000, help_text=_("预案针对的主要风险和事件类型")
    )
    command_structure = models.TextField(_("应急组织机构及职责"), max_length=4000, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    filing_authority = models.CharField(_("备案受理单位"), max_length=120, blank=True)
    filing_due_on = models.DateField(_("备案期限"), null=True, blank=True, editable=False)
    # Which calendar counted the working days (the package version or the local table), so
    # a deadline can be explained later even after the calendar changed.
    filing_due_basis = models.CharField(max_length=80, blank=True, editable=False)
    submitted_on = models.DateField(_("报送备案日期"), null=True, blank=True, editable=False)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True, editable=False)
    filing_number = models.CharField(_("备案编号"), max_length=60, blank=True, editable=False)
    assessment_cycle_years = models.PositiveSmallIntegerField(_("评估周期（年）"), default=3)
    last_assessed_on = models.DateField(_("上次评估日期"), null=True, blank=True, editable=False)
    assessment_due_on = models.DateField(_("下次评估期限"), null=True, blank=True, editable=False)
    revision_due = models.BooleanField(_("需修订"), default=False, editable=False)
    state = models.CharField(
        _("状态"), max_length=12, choices=PlanState.choices, default=PlanState.DRAFT, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    synthetic = models.BooleanField(default=False, editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        ordering = ["scope_region_code", "plan_type", "title", "-id"]
        indexes = [
            models.Index(fields=["scope_region_code", "state"], name="plan_region_state"),
            models.Index(fields=["state", "filing_due_on"], name="plan_filing_due"),
            models.Index(fields=["state", "assessment_due_on"], name="plan_assessment_due"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.edition}）"

    def get_absolute_url(self) -> str:
        return reverse("emergency:plan_detail", args=[self.pk])


class PlanTransition(TransitionRecord):
    plan = models.ForeignKey(EmergencyPlan, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("预案办理记录")
        verbose_name_plural = _("预案办理记录")


class PlanLevel(models.Model):
    """One response level the plan defines: when it starts and who commands."""

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.PROTECT, related_name="levels")
    level = models.CharField(_("响应级别"), max_length=1, choices=ResponseLevel.choices)
    trigger = models.TextField(_("启动条件"), max_length=2000)
    commander = models.CharField(_("总指挥"), max_length=120)

    class Meta:
        verbose_name = _("响应级别")
        verbose_name_plural = _("响应级别")
        ordering = ["plan", "level"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "level"], name="plan_level_once"),
        ]

    def __str__(self) -> str:
        return self.get_level_display()


class PlanRole(models.Model):
    """A role in the plan's command structure (总指挥, 现场指挥, 抢险组 …) and its duties."""

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.PROTECT, related_name="roles")
    name = models.CharField(_("岗位/工作组"), max_length=60)
    holder = models.CharField(_("由谁担任"), max_length=120)
    duties = models.TextField(_("职责"), max_length=2000)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("应急职责")
        verbose_name_plural = _("应急职责")
        ordering = ["plan", "sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class PlanTask(models.Model):
    """A task a response level starts: activating the plan at ``level`` creates one
    ``IncidentTask`` from each of that level's rows (a higher level includes the lower
    levels' tasks only if the plan repeats them)."""

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.PROTECT, related_name="tasks")
    level = models.CharField(_("响应级别"), max_length=1, choices=ResponseLevel.choices)
    title = models.CharField(_("任务"), max_length=200)
    responsible = models.CharField(_("责任岗位/单位"), max_length=120)
    due_minutes = models.PositiveIntegerField(
        _("完成时限（分钟）"), null=True, blank=True, help_text=_("自启动响应起算；空白为持续任务")
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("响应任务")
        verbose_name_plural = _("响应任务")
        ordering = ["plan", "level", "sort_order", "id"]

    def __str__(self) -> str:
        return self.title


class PlanAttachment(models.Model):
    plan = models.ForeignKey(EmergencyPlan, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField(_("名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to="emergency/plans/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("预案附件")
        verbose_name_plural = _("预案附件")
        ordering = ["plan", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class PlanAssessment(models.Model):
    """A recorded assessment (评估) or revision trigger of a plan version."""

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField(_("评估日期"), null=True, blank=True)
    trigger = models.CharField(
        _("修订情形"), max_length=12, choices=RevisionTrigger.choices, blank=True
    )
    conclusion = models.TextField(_("评估结论"), max_length=2000)
    needs_revision = models.BooleanField(_("需要修订"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("预案评估")
        verbose_name_plural = _("预案评估")
        ordering = ["plan", "at", "id"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.assessed_on or self.get_trigger_display()}"
