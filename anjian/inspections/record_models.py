"""On-site inspections: checklists, the record of a visit, its findings and documents.

- ``ChecklistTemplate`` / ``ChecklistEntry``: an inspection checklist for an industry
  (危化, 工贸, 建筑施工, 人员密集场所/消防 …) — editable data, seeded from
  ``checklist_data``; every entry carries its legal basis. An entry is retired, never
  deleted: marks made against it keep their text.
- ``Inspection``: one visit by at least two inspectors to one unit — from a drawn task, a
  plan, or on its own (专项, 举报核查, 复查) — with its marks, photos, signatures, position
  and whether it was unannounced (四不两直).
- ``InspectionMark``: the result of one checklist entry; a failed one is a finding, which
  becomes a hazard in the ledger with the ordered deadline when the inspection is completed.
- ``Visit``: who arrived where and when (scanning the unit's code at the gate).
- ``EnforcementDocument``: a numbered .docx issued from a template (``documents``).
- ``RecordEntry``: the 执法全过程记录, append-only, each entry chained to the one before
  by hash (``chain``): a later edit breaks the chain and ``anjian inspections
  verify-record`` names the entry.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.models import TransitionRecord, VersionedModel
from anjian.core.scoping import ScopedQuerySet, ScopePaths


class InspectionKind(models.TextChoices):
    RANDOM = "random", _("双随机抽查")
    PLANNED = "planned", _("计划检查")
    SPECIAL = "special", _("专项检查")
    COMPLAINT = "complaint", _("举报核查")
    REINSPECTION = "reinspection", _("整改复查")


class InspectionState(models.TextChoices):
    OPEN = "open", _("检查中")
    DONE = "done", _("已完成")
    VOIDED = "voided", _("已作废")


class MarkResult(models.TextChoices):
    PASS = "pass", _("符合")
    FAIL = "fail", _("不符合")
    NOT_APPLICABLE = "na", _("不适用")


class VisitMethod(models.TextChoices):
    SCAN = "scan", _("扫码登记")
    MANUAL = "manual", _("手工登记")


class DocumentKind(models.TextChoices):
    """The documents anjian issues (RULES.md §17.1), each numbered on its own (§17.2)."""

    INSPECTION_RECORD = "inspection_record", _("现场检查记录")
    RECTIFICATION_ORDER = "rectification_order", _("责令限期整改指令书")
    REINSPECTION_OPINION = "reinspection_opinion", _("整改复查意见书")
    CASE_FILING = "case_filing", _("立案审批表")
    PENALTY_NOTICE = "penalty_notice", _("行政处罚告知书")
    PENALTY_DECISION = "penalty_decision", _("行政处罚决定书")
    CASE_TRANSFER = "case_transfer", _("涉嫌犯罪案件移送书")


class ChecklistTemplate(VersionedModel):
    """An inspection checklist for the units of some industries (data officials edit)."""

    key = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("检查表名称"), max_length=80)
    industries = models.ManyToManyField(
        "regions.Industry", related_name="+", verbose_name=_("适用行业"), blank=True
    )
    for_crowded_places = models.BooleanField(
        _("适用人员密集场所"), default=False, help_text=_("消防重点单位、商场、学校、医院等")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class ChecklistEntry(models.Model):
    """One item of a checklist: what should be true, the legal basis, the finding text."""

    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="entries"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("检查内容"), max_length=200)
    basis = models.CharField(_("检查依据"), max_length=300, help_text=_("法律法规、标准及条款"))
    finding = models.CharField(_("问题表述"), max_length=200)
    major = models.BooleanField(
        _("重大事故隐患"), default=False, help_text=_("不符合即构成重大事故隐患（判定标准条款）")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["template_id", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Inspection(VersionedModel):
    """One on-site inspection of a unit by at least two inspectors of one department."""

    scope_paths = ScopePaths(
        region="enterprise__scope_region_code", industry="enterprise__industry_id"
    )

    number = models.CharField(_("检查记录编号"), max_length=40, blank=True)
    department = models.ForeignKey(
        "regions.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("实施部门")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("被检查单位"),
    )
    kind = models.CharField(_("检查类型"), max_length=16, choices=InspectionKind.choices)
    task = models.OneToOneField(
        "inspections.InspectionTask",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection",
        verbose_name=_("抽查任务"),
    )
    plan_entry = models.ForeignKey(
        "inspections.PlanEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("计划检查对象"),
    )
    checklist = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("检查表")
    )
    inspectors = models.ManyToManyField(
        "inspections.Inspector", related_name="inspections", verbose_name=_("检查人员")
    )
    unannounced = models.BooleanField(
        _("四不两直"), default=False, help_text=_("不发通知、不打招呼、直奔基层、直插现场")
    )
    started_at = models.DateTimeField(_("检查开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("检查结束时间"), null=True, blank=True)
    place = models.CharField(_("检查场所"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    summary = models.TextField(_("检查情况"), max_length=4000, blank=True)
    enterprise_signer = models.CharField(_("被检查单位现场负责人"), max_length=40, blank=True)
    enterprise_signature = models.ImageField(
        _("被检查单位签名"), upload_to="inspections/signatures/%Y/%m/", blank=True
    )
    inspector_signature = models.ImageField(
        _("检查人员签名"), upload_to="inspections/signatures/%Y/%m/", blank=True
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=InspectionState.choices, default=InspectionState.OPEN
    )
    client_token = models.UUIDField(
        _("离线登记标识"), null=True, blank=True, unique=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("现场检查")
        verbose_name_plural = _("现场检查")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["department", "started_at"])]

    def __str__(self) -> str:
        return f"{self.enterprise} · {timezone.localtime(self.started_at):%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:inspection_detail", args=[self.pk])


class InspectionTransition(TransitionRecord):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("现场检查处理记录")
        verbose_name_plural = _("现场检查处理记录")


class InspectionMark(models.Model):
    """The result of one checklist entry in one inspection; a failure is a finding."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="marks")
    entry = models.ForeignKey(ChecklistEntry, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("检查结果"), max_length=4, choices=MarkResult.choices)
    note = models.CharField(_("情况说明"), max_length=500, blank=True)
    place = models.CharField(_("问题部位"), max_length=120, blank=True)
    deadline = models.DateField(_("责令整改期限"), null=True, blank=True)
    hazard = models.OneToOneField(
        "hazards.Hazard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_mark",
        verbose_name=_("登记的隐患"),
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(_("检查时间"), default=timezone.now)

    class Meta:
        verbose_name = _("检查项结果")
        verbose_name_plural = _("检查项结果")
        ordering = ["inspection_id", "entry__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "entry"], name="inspection_mark_once")
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.entry_id} {self.result}"


def evidence_path(instance, filename: str) -> str:
    return f"inspections/evidence/{timezone.now():%Y/%m}/{instance.sha256}{_suffix(filename)}"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower()[:8] if dot >= 0 else ""


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    AUDIO = "audio", _("录音")
    VIDEO = "video", _("录像")


class Evidence(models.Model):
    """A photo, recording or video taken during an inspection or a case (执法记录)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    case = models.ForeignKey(
        "inspections.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    mark = models.ForeignKey(
        InspectionMark, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=EvidenceKind.choices)
    file = models.FileField(_("文件"), upload_to=evidence_path)
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("执法记录材料")
        verbose_name_plural = _("执法记录材料")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "sha256"],
                condition=models.Q(inspection__isnull=False),
                name="evidence_once_per_inspection",
            ),
            models.CheckConstraint(
                condition=models.Q(inspection__isnull=False) | models.Q(case__isnull=False),
                name="evidence_belongs_somewhere",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sha256[:12]}"


class Visit(models.Model):
    """An official's arrival at a unit (到达登记), usually by scanning the unit's code."""

    scope_paths = ScopePaths(
        region="enterprise__scope_region_code", industry="enterprise__industry_id"
    )

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="visits"
    )
    department = models.ForeignKey(
        "regions.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("到达时间"), default=timezone.now)
    method = models.CharField(_("登记方式"), max_length=8, choices=VisitMethod.choices)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("到达登记")
        verbose_name_plural = _("到达登记")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.at:%Y-%m-%d %H:%M}"


def document_path(instance, filename: str) -> str:
    return f"inspections/documents/{instance.year}/{instance.department_id}/{filename}"


class EnforcementDocument(models.Model):
    """A numbered enforcement document (.docx), never deleted; its hash is on the record."""

    scope_paths = ScopePaths(
        region="enterprise__scope_region_code", industry="enterprise__industry_id"
    )

    kind = models.CharField(_("文书种类"), max_length=24, choices=DocumentKind.choices)
    department = models.ForeignKey(
        "regions.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("制作部门")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("文书编号"), max_length=60)
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    case = models.ForeignKey(
        "inspections.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    file = models.FileField(_("文书文件"), upload_to=document_path)
    sha256 = models.CharField(max_length=64, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("制作时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "kind", "year", "serial"], name="document_number_once"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("inspections:document_download", args=[self.pk])


class RecordEntry(models.Model):
    """One step of the 执法全过程记录 of an inspection or a case, chained by hash.

    ``chain`` is ``inspection:<id>`` or ``case:<id>``; ``seq`` counts from 1 within it;
    ``hash`` = SHA-256 of the previous entry's hash and this entry's canonical content
    (``chain.content``). Rows are only ever inserted (``chain.append``)."""

    chain = models.CharField(max_length=32)
    seq = models.PositiveIntegerField()
    at = models.DateTimeField(_("时间"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("环节"), max_length=32)
    summary = models.CharField(_("内容"), max_length=500)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("执法全过程记录")
        verbose_name_plural = _("执法全过程记录")
        ordering = ["chain", "seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="record_entry_once")]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action}"
