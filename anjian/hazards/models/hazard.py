"""The hazard ledger (隐患台账): one row per hazard, whatever found it, and its history."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core import search
from anjian.core.models import TransitionRecord
from anjian.core.scoping import ScopedQuerySet
from anjian.enterprises.owned import EnterpriseOwned
from anjian.hazards.choices import (
    DEADLINE_STATES,
    OPEN_STATES,
    Category,
    DuplicateState,
    ExtensionState,
    Grade,
    PhotoStage,
    Source,
    State,
)


class HazardQuerySet(ScopedQuerySet):
    def search(self, query: str) -> "HazardQuerySet":
        return search.search(self, query)


class Hazard(EnterpriseOwned):
    """A 隐患 in the one ledger, from report to 销号.

    ``state`` changes only through ``hazards.services`` (compare-and-set on ``version``;
    one ``HazardTransition`` per change). ``scope_region_code`` and ``industry_id`` are
    copied from the enterprise when the hazard is reported so that scoping and the
    clearing figures never join the registry (``EnterpriseOwned``; an enterprise that
    moves takes its hazards and their figures along, ``hazards_follow_enterprise``).
    Overdue is derived: an open hazard with a deadline before today.

    A hazard belongs to exactly one owner: an enterprise, or a public place (路段, 外立面,
    公共空间 …; ADR 14), whose scope columns it copies the same way.
    """

    number = models.CharField(_("隐患编号"), max_length=24, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("单位"),
    )
    place = models.ForeignKey(
        "enterprises.PublicPlace",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("公共区域"),
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    source_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_object = GenericForeignKey("source_type", "source_id")
    title = models.CharField(_("隐患名称"), max_length=120)
    description = models.TextField(_("隐患描述"), max_length=2000)
    location = models.CharField(_("隐患部位"), max_length=120)
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
    category = models.CharField(
        _("危险有害因素类别"), max_length=1, choices=Category.choices, blank=True, default=""
    )
    found_at = models.DateTimeField(_("发现时间"))
    found_month = models.DateField(editable=False)  # first day of the local month found
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上报人"),
    )
    # The report form's one-time key (``forms.ReportForm.report_token``): the same form
    # posted twice (a double tap, a resent request) finds the hazard of the first post.
    report_token = models.UUIDField(null=True, blank=True, editable=False)
    grade = models.CharField(
        _("隐患等级"), max_length=8, choices=Grade.choices, blank=True, default=""
    )
    clauses = models.ManyToManyField(
        "hazards.StandardClause",
        blank=True,
        related_name="hazards",
        verbose_name=_("重大事故隐患判定依据"),
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.REPORTED, editable=False
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    # 上账: deadline, owner and measures (for a major hazard these are its 五落实 with funds
    # and the contingency plan).
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    owner_name = models.CharField(_("整改责任人"), max_length=40, blank=True)
    owner_phone = models.CharField(_("责任人电话"), max_length=20, blank=True)
    measures = models.TextField(_("整改措施"), max_length=2000, blank=True)
    funds = models.DecimalField(
        _("整改资金（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    contingency_plan = models.TextField(_("应急预案/处置措施"), max_length=2000, blank=True)
    interim_measures = models.TextField(_("整改期间临时安全措施"), max_length=2000, blank=True)
    registered_at = models.DateTimeField(_("上账时间"), null=True, blank=True)

    rectification_note = models.TextField(_("整改情况"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(_("提请验收时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("验收人"),
    )
    acceptance_note = models.TextField(_("验收意见"), max_length=2000, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    # Facts fixed at 销号 that the figures sum (see hazards/tally.py).
    days_to_close = models.PositiveIntegerField(_("整改用时（天）"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("按期整改"), null=True, blank=True)
    fixed_on_spot = models.BooleanField(_("即查即改"), default=False)
    void_reason = models.CharField(_("作废原因"), max_length=500, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("合并到"),
    )
    # Highest rung of the overdue ladder reached (0 = none); the sweep only climbs.
    escalation_level = models.PositiveSmallIntegerField(_("督促级别"), default=0, editable=False)
    reminded_for = models.DateField(null=True, blank=True, editable=False)

    search_document = models.TextField(editable=False, default="")
    search_tokens = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["-found_at", "-id"]
        indexes = [
            models.Index(fields=["-found_at", "-id"], name="hazard_found_recent"),
            models.Index(fields=["enterprise", "state"], name="hazard_enterprise_state"),
            models.Index(
                fields=["place", "state"],
                name="hazard_place_state",
                condition=models.Q(place__isnull=False),
            ),
            models.Index(
                fields=["scope_region_code", "industry", "state"],
                name="hazard_scope_state",
                opclasses=["varchar_pattern_ops", "int8_ops", "varchar_pattern_ops"],
            ),
            # Overdue and due-soon counts and the escalation sweep: open hazards by deadline.
            models.Index(
                fields=["deadline", "scope_region_code", "industry", "grade"],
                name="hazard_open_deadline",
                condition=models.Q(state__in=DEADLINE_STATES),
            ),
            # A street's or district's overdue counts: its open hazards by deadline, covering
            # industry and grade so the count never reads the table (street p95 71 → 29 ms).
            models.Index(
                fields=["scope_region_code", "deadline"],
                name="hazard_open_scope_deadline",
                opclasses=["varchar_pattern_ops", "date_ops"],
                include=["industry", "grade"],
                condition=models.Q(state__in=DEADLINE_STATES),
            ),
            models.Index(
                fields=["source_type", "source_id"],
                name="hazard_source_object",
                condition=models.Q(source_id__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(scope_region_code=""), name="hazard_scope_region_set"
            ),
            models.CheckConstraint(
                condition=models.Q(enterprise__isnull=False, place__isnull=True)
                | models.Q(enterprise__isnull=True, place__isnull=False),
                name="hazard_one_owner",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="void") | ~models.Q(void_reason=""),
                name="hazard_void_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["reported", "void"]) | ~models.Q(grade=""),
                name="hazard_registered_has_grade",
            ),
            # One hazard per report form: ``hazard_report`` looks the token up first; this
            # settles two posts that race (the second waits, fails, and finds the first).
            models.UniqueConstraint(
                fields=["reported_by", "report_token"],
                condition=models.Q(report_token__isnull=False),
                name="hazard_report_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:hazard_detail", args=[self.pk])

    @property
    def owner(self):
        """The enterprise or public place the hazard belongs to."""
        return self.enterprise if self.enterprise_id else self.place

    def copy_enterprise_scope(self) -> None:
        self.scope_region_code = self.owner.scope_region_code
        self.industry_id = self.owner.industry_id

    def refresh_derived_fields(self) -> None:
        self.found_month = timezone.localtime(self.found_at).date().replace(day=1)
        self.copy_enterprise_scope()
        self.search_document, self.search_tokens = search.document(
            self.number, self.title, self.description, self.location, self.owner.name
        )

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_major(self) -> bool:
        return self.grade == Grade.MAJOR

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.state in DEADLINE_STATES and self.deadline is not None and self.deadline < today

    @property
    def overdue_days(self) -> int:
        if not self.is_overdue():
            return 0
        return (timezone.localdate() - self.deadline).days


class HazardTransition(TransitionRecord):
    """One line of a hazard's timeline (``lifecycle.HAZARD`` on the workflow kernel): a
    transition — who moved it from which state to which, when, why — or another event
    that changes no state (report, corrections, notes, photos, escalations, extension
    requests and decisions, supervision listing, revisits, merges), so the hazard's page
    reads as one timeline. Notices are written by the services in the same transaction
    (``core.notifications``), not read from here."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="transitions")
    # The base's state columns, with the hazard's states as choices (the timeline shows labels).
    from_state = models.CharField(_("原状态"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=State.choices, blank=True)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("隐患处理记录")
        verbose_name_plural = _("隐患处理记录")
        indexes = [models.Index(fields=["hazard", "at"], name="hazard_transition_timeline")]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.action} {self.from_state}→{self.to_state}"


def photo_path(instance, filename: str) -> str:
    return f"hazards/{timezone.localdate():%Y/%m}/{instance.sha256[:2]}/{instance.sha256}.jpg"


class HazardPhoto(models.Model):
    """A photo proving a stage of the hazard; kept with its time and who took it."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("环节"), max_length=12, choices=PhotoStage.choices)
    image = models.ImageField(_("照片"), upload_to=photo_path)
    sha256 = models.CharField(max_length=64, editable=False)
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("隐患照片")
        verbose_name_plural = _("隐患照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.get_stage_display()}"


class DeadlineExtension(models.Model):
    """A request to move a hazard's deadline, and its decision (approve or refuse, with reason)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="extensions")
    current_deadline = models.DateField(_("原整改期限"))
    requested_deadline = models.DateField(_("申请延期至"))
    reason = models.TextField(_("延期理由"), max_length=1000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(
        _("状态"), max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("审批意见"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"],
                condition=models.Q(state="pending"),
                name="extension_one_pending_per_hazard",
            )
        ]

    def __str__(self) -> str:
        return f"{self.hazard_id} → {self.requested_deadline}"


class DuplicateCandidate(models.Model):
    """Two hazards that look like one (same enterprise, close place and time, similar text)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="duplicate_flags")
    other = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField(_("相似度"))
    state = models.CharField(
        _("状态"), max_length=10, choices=DuplicateState.choices, default=DuplicateState.OPEN
    )
    flagged_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("疑似重复隐患")
        verbose_name_plural = _("疑似重复隐患")
        constraints = [
            models.UniqueConstraint(fields=["hazard", "other"], name="duplicate_pair_once")
        ]

    def __str__(self) -> str:
        return f"{self.hazard_id} ≈ {self.other_id}"
