"""事故报告与调查: the accident record and everything that hangs on it.

- ``Accident``: one production-safety accident, from the quick report (快报) on. Its
  casualty figures are the latest report's; its grade is computed from them
  (``grading``), never typed. Scoped by where it happened (the street's code), by the
  unit's industry when it has a registered unit, and by the unit for enterprise users.
- ``AccidentReport``: the quick report and every follow-up (续报), each with the figures
  it reported — the history of the casualty count. A report that lowers a figure carries
  its reason; one after the statutory window (30 days, 7 for road traffic and fire) is
  flagged ``after_window``.
- ``ReportingStep``: one level of the chain (county → city → province → State Council):
  due when, informed when, by whom, how. The steps the grade requires are ``required``;
  a grade that rises adds steps, one that falls keeps what was done.
- ``ReportingFlag``: 迟报/漏报/谎报/瞒报, set by an official (or by the clock for a late
  step) with the reason; withdrawn with a reason, never deleted.
- ``Investigation``, ``Responsibility``, ``RectificationMeasure``, ``PostEvaluation``: the
  team, the deadline and its extension, the report and its reply, who was responsible, the
  measures tracked to completion, and their evaluation within a year (整改措施落实后评估).

State changes go through ``services`` on ``lifecycle.ACCIDENT``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accidents.choices import (
    AccidentType,
    Category,
    FlagKind,
    Grade,
    Level,
    MeasureState,
    Nature,
    Rating,
    ReportKind,
)
from anjian.core.models import TransitionRecord, VersionedModel
from anjian.core.scoping import ScopedQuerySet, ScopePaths


class AccidentState(models.TextChoices):
    REPORTED = "reported", _("已报告")
    INVESTIGATING = "investigating", _("调查中")
    CLOSED = "closed", _("已结案")
    EVALUATED = "evaluated", _("已后评估")
    VOIDED = "voided", _("已作废")


OPEN_STATES = (AccidentState.REPORTED, AccidentState.INVESTIGATING)
COUNTED_STATES = (
    AccidentState.REPORTED,
    AccidentState.INVESTIGATING,
    AccidentState.CLOSED,
    AccidentState.EVALUATED,
)


class Casualty(models.Model):
    """The five figures a report gives (and the accident keeps, from its latest report)."""

    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    missing = models.PositiveIntegerField(_("失踪人数"), default=0)
    serious_injuries = models.PositiveIntegerField(_("重伤人数"), default=0)
    minor_injuries = models.PositiveIntegerField(_("轻伤人数"), default=0)
    direct_loss = models.PositiveBigIntegerField(_("直接经济损失（元）"), default=0)

    class Meta:
        abstract = True


class Accident(Casualty, VersionedModel):
    scope_paths = ScopePaths(
        region="region_code", industry="industry_id", enterprise="enterprise_id"
    )
    # Not ``EnterpriseOwned``: an accident is counted where, and in the industry, it happened
    # (the figures of that district and year); a unit that moves or is re-classified later
    # does not take its accidents along.
    keeps_scope_of_the_day = True

    number = models.CharField(_("事故编号"), max_length=24, unique=True, editable=False)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("发生地")
    )
    region_code = models.CharField(max_length=24, editable=False, db_index=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accidents",
        verbose_name=_("事故单位"),
    )
    industry = models.ForeignKey(
        "regions.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("监管行业"),
    )
    unit_name = models.CharField(_("事故单位名称"), max_length=200)
    occurred_at = models.DateTimeField(_("发生时间"))
    known_at = models.DateTimeField(_("单位负责人接报时间"))
    place = models.CharField(_("发生地点"), max_length=200)
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    accident_type = models.CharField(
        _("事故类型（GB 6441）"), max_length=2, choices=AccidentType.choices
    )
    category = models.CharField(_("统计类别"), max_length=16, choices=Category.choices)
    larger_risk = models.BooleanField(
        _("较大涉险事故"),
        default=False,
        help_text=_("涉险10人以上、被困或下落不明3人以上、疏散500人以上等（21号令第26条）"),
    )
    summary = models.TextField(_("事故简要经过"), max_length=4000)
    measures_taken = models.TextField(_("已采取的措施"), max_length=2000, blank=True)
    grade = models.CharField(_("事故等级"), max_length=16, choices=Grade.choices, editable=False)
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=AccidentState.choices,
        default=AccidentState.REPORTED,
        editable=False,
    )
    window_ends_at = models.DateTimeField(_("伤亡变化补报期限"), editable=False)
    reported_at = models.DateTimeField(_("快报时间"), default=timezone.now, editable=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The quick-report form's one-time key: the same form sent twice (a double tap, a phone
    # resending) finds the accident of the first post.
    report_token = models.UUIDField(null=True, blank=True, editable=False)
    synthetic = models.BooleanField(default=False, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("生产安全事故")
        verbose_name_plural = _("生产安全事故")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["region_code", "occurred_at"], name="accident_region_time"),
            models.Index(fields=["state", "occurred_at"], name="accident_state_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reported_by", "report_token"],
                condition=models.Q(report_token__isnull=False),
                name="accident_report_once",
            ),
            models.CheckConstraint(
                condition=models.Q(known_at__gte=models.F("occurred_at")),
                name="accident_known_after_occurred",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.unit_name}"

    def get_absolute_url(self) -> str:
        return reverse("accidents:accident_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class AccidentTransition(TransitionRecord):
    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("事故办理记录")
        verbose_name_plural = _("事故办理记录")


class AccidentReport(Casualty):
    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="reports")
    sequence = models.PositiveSmallIntegerField(_("序号"))
    kind = models.CharField(_("类型"), max_length=10, choices=ReportKind.choices)
    reported_at = models.DateTimeField(_("报告时间"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField(_("据此定级"), max_length=16, choices=Grade.choices)
    previous_grade = models.CharField(max_length=16, choices=Grade.choices, blank=True)
    content = models.TextField(_("报告内容"), max_length=4000)
    reason = models.CharField(_("变化原因"), max_length=500, blank=True)
    after_window = models.BooleanField(_("超过补报期限"), default=False)

    class Meta:
        verbose_name = _("事故快报/续报")
        verbose_name_plural = _("事故快报/续报")
        ordering = ["accident", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["accident", "sequence"], name="accident_report_seq")
        ]

    def __str__(self) -> str:
        return f"{self.accident.number} {self.get_kind_display()}{self.sequence}"


class ReportingStep(models.Model):
    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="steps")
    level = models.CharField(_("报告层级"), max_length=10, choices=Level.choices)
    required = models.BooleanField(_("按等级须报告"), default=True)
    due_at = models.DateTimeField(_("报告时限"))
    informed_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    recipient = models.CharField(_("接报单位及接报人"), max_length=120, blank=True)
    channel = models.CharField(_("报告方式"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("逐级上报")
        verbose_name_plural = _("逐级上报")
        ordering = ["accident", "due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["accident", "level"], name="accident_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.accident.number} {self.get_level_display()}"

    @property
    def late(self) -> bool:
        """Informed after the time limit, or not informed and the limit has passed."""
        return (self.informed_at or timezone.now()) > self.due_at


class ReportingFlag(models.Model):
    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(_("类型"), max_length=10, choices=FlagKind.choices)
    reason = models.TextField(_("认定理由"), max_length=2000)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("认定人"),
        help_text=_("空白表示系统按报告时限自动标记"),
    )
    set_at = models.DateTimeField(_("认定时间"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.CharField(_("撤销理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("报告违规标记")
        verbose_name_plural = _("报告违规标记")
        ordering = ["accident", "set_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["accident", "kind"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="accident_flag_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.accident.number} {self.get_kind_display()}"


class Investigation(models.Model):
    accident = models.OneToOneField(
        Accident, on_delete=models.PROTECT, related_name="investigation"
    )
    led_by = models.CharField(_("组织调查的人民政府"), max_length=10, choices=Level.choices)
    entrusted_to_unit = models.BooleanField(
        _("委托事故单位调查"), default=False, help_text=_("仅限未造成人员伤亡的一般事故")
    )
    leader = models.CharField(_("调查组组长"), max_length=60)
    members = models.TextField(_("调查组成员"), max_length=2000)
    started_on = models.DateField(_("成立日期"))
    due_on = models.DateField(_("调查报告期限"))
    extension_days = models.PositiveSmallIntegerField(_("延长天数"), default=0)
    extension_reason = models.CharField(_("延期理由"), max_length=500, blank=True)
    appraisal_days = models.PositiveSmallIntegerField(
        _("技术鉴定天数"), default=0, help_text=_("技术鉴定所需时间不计入调查期限")
    )
    submitted_on = models.DateField(_("调查报告提交日期"), null=True, blank=True)
    cause = models.TextField(_("事故原因"), max_length=4000, blank=True)
    nature = models.CharField(_("事故性质"), max_length=16, choices=Nature.choices, blank=True)
    findings = models.TextField(_("调查报告摘要"), max_length=4000, blank=True)
    replied_on = models.DateField(_("批复日期"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("事故调查")
        verbose_name_plural = _("事故调查")

    def __str__(self) -> str:
        return f"{self.accident.number} 调查"


class Responsibility(models.Model):
    accident = models.ForeignKey(
        Accident, on_delete=models.PROTECT, related_name="responsibilities"
    )
    party = models.CharField(_("责任单位或人员"), max_length=120)
    is_person = models.BooleanField(_("个人"), default=True)
    finding = models.CharField(_("责任认定"), max_length=300)
    handling = models.CharField(_("处理意见"), max_length=500)
    fine = models.PositiveBigIntegerField(_("罚款（元）"), null=True, blank=True)

    class Meta:
        verbose_name = _("责任认定")
        verbose_name_plural = _("责任认定")
        ordering = ["accident", "id"]

    def __str__(self) -> str:
        return self.party


class RectificationMeasure(models.Model):
    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="measures")
    description = models.TextField(_("整改措施"), max_length=1000)
    responsible = models.CharField(_("责任单位"), max_length=120)
    due_on = models.DateField(_("完成期限"))
    state = models.CharField(
        _("状态"), max_length=8, choices=MeasureState.choices, default=MeasureState.OPEN
    )
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    done_note = models.CharField(_("落实情况"), max_length=1000, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")
        ordering = ["accident", "due_on", "id"]

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def overdue(self) -> bool:
        return self.state == MeasureState.OPEN and self.due_on < timezone.localdate()


class PostEvaluation(models.Model):
    accident = models.OneToOneField(Accident, on_delete=models.PROTECT, related_name="evaluation")
    due_on = models.DateField(_("评估期限"))
    evaluated_on = models.DateField(_("评估日期"))
    rating = models.CharField(_("评估结论"), max_length=16, choices=Rating.choices)
    conclusion = models.TextField(_("评估意见"), max_length=2000)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("整改措施落实后评估")
        verbose_name_plural = _("整改措施落实后评估")

    def __str__(self) -> str:
        return f"{self.accident.number} 后评估"
