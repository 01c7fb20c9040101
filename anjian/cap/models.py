"""Public early warnings (预警信息发布) as OASIS CAP 1.2 messages.

One ``CapAlert`` row is one CAP message with one ``<info>`` (language zh-CN) and one
``<area>``. A message is written as a draft, approved by a second person and published:
only then does it get its identifier, sent time, sender and the XML, which is validated
against the OASIS schema and never changed afterwards. An Update or Cancel is a new row
that ``replaces`` the message it refers to (its ``references``); the replaced message is
marked superseded or cancelled. Rows are never deleted.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.cap import area
from anjian.cap.choices import (
    ISSUED_STATES,
    OPEN_STATES,
    SEVERITY_COLOURS,
    SEVERITY_HELP,
    STATE_COLOURS,
    Category,
    Certainty,
    MsgType,
    ResponseType,
    Scope,
    Severity,
    State,
    Status,
    Urgency,
)
from anjian.cap.xml import cap_datetime
from anjian.core.models import TransitionRecord
from anjian.core.scoping import ScopedQuerySet, ScopePaths

LANGUAGE = "zh-CN"
# What a composer writes (the services take only these from a form or request); everything
# else is set by the workflow.
EDITABLE_FIELDS = (
    "region",
    "status",
    "category",
    "event",
    "response_type",
    "urgency",
    "severity",
    "certainty",
    "effective",
    "onset",
    "expires",
    "sender_name",
    "headline",
    "description",
    "instruction",
    "contact",
    "note",
    "area_desc",
    "polygon",
    "circle",
)
# What the 变更记录 (django-auditlog) keeps of a message: what its composer wrote, and what
# kind of message it is. The workflow's own columns are the timeline (CapAlertTransition);
# the picked regions (many-to-many) go on the timeline's create/edit lines.
AUDITED_FIELDS = ("msg_type", "replaces", *EDITABLE_FIELDS)


class CapAlert(models.Model):
    """One CAP 1.2 message issued (or being written) by a region's 应急管理局."""

    scope_paths = ScopePaths(region="region__code")

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发布单位区划"),
        help_text=_("发布预警的应急管理部门所在区划"),
    )
    # --- <alert> -------------------------------------------------------------------------
    identifier = models.CharField(_("报文标识"), max_length=120, blank=True, editable=False)
    sender = models.CharField(_("发送方标识"), max_length=120, blank=True, editable=False)
    sent = models.DateTimeField(_("发送时间"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("报文状态"),
        max_length=10,
        choices=Status.choices,
        default=Status.ACTUAL,
        help_text=_("对外正式发布选“正式”；演练、测试报文接收方不会当作真实预警"),
    )
    msg_type = models.CharField(
        _("报文类型"), max_length=8, choices=MsgType.choices, default=MsgType.ALERT, editable=False
    )
    scope = models.CharField(
        _("发布范围"), max_length=10, choices=Scope.choices, default=Scope.PUBLIC, editable=False
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="successors",
        verbose_name=_("所更新/取消的报文"),
    )
    references = models.CharField(_("引用报文"), max_length=400, blank=True, editable=False)
    note = models.CharField(
        _("备注"), max_length=500, blank=True, help_text=_("更新或取消的原因等说明（CAP note）")
    )
    # --- <info> --------------------------------------------------------------------------
    language = models.CharField(max_length=10, default=LANGUAGE, editable=False)
    category = models.CharField(
        _("预警类别"), max_length=10, choices=Category.choices, default=Category.SAFETY
    )
    event = models.CharField(
        _("事件类型"), max_length=100, help_text=_("如：高温天气危险化学品安全风险")
    )
    response_type = models.CharField(
        _("建议响应"), max_length=10, choices=ResponseType.choices, blank=True, default=""
    )
    urgency = models.CharField(_("紧迫程度"), max_length=10, choices=Urgency.choices)
    severity = models.CharField(
        _("严重程度"), max_length=10, choices=Severity.choices, help_text=SEVERITY_HELP
    )
    certainty = models.CharField(_("可能性"), max_length=10, choices=Certainty.choices)
    effective = models.DateTimeField(
        _("生效时间"), null=True, blank=True, help_text=_("不填则自发布时起生效")
    )
    onset = models.DateTimeField(_("预计开始时间"), null=True, blank=True)
    expires = models.DateTimeField(_("失效时间"), help_text=_("到期后预警自动从公开订阅源中移除"))
    sender_name = models.CharField(_("发布单位"), max_length=100)
    headline = models.CharField(_("标题"), max_length=160)
    description = models.TextField(_("预警内容"), max_length=4000)
    instruction = models.TextField(_("防御指南"), max_length=2000)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    # --- <area> --------------------------------------------------------------------------
    areas = models.ManyToManyField(
        "regions.Region",
        blank=True,
        related_name="+",
        verbose_name=_("影响区划"),
        help_text=_("受影响的区、街道（镇）：报文据此带上区划代码和区的轮廓"),
    )
    area_desc = models.CharField(
        _("影响区域说明"),
        max_length=200,
        blank=True,
        help_text=_("如：杨浦区全境危险化学品企业；不填则按所选区划生成"),
    )
    polygon = models.TextField(
        _("多边形"),
        max_length=4000,
        blank=True,
        validators=[area.validate_polygon],
        help_text=_(
            "“纬度,经度”坐标对，空格或换行分隔，至少 4 对且首尾相同（WGS-84），"
            "如 31.30,121.50 31.30,121.56 31.25,121.56 31.30,121.50"
        ),
    )
    circle = models.CharField(
        _("圆形区域"),
        max_length=100,
        blank=True,
        validators=[area.validate_circle],
        help_text=_("“纬度,经度 半径（公里）”，如 31.2704,121.5228 2.5"),
    )
    # --- workflow ------------------------------------------------------------------------
    state = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.DRAFT, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField(null=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, editable=False)
    xml = models.TextField(_("CAP 报文"), blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("预警信息")
        verbose_name_plural = _("预警信息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["identifier"],
                condition=~Q(identifier=""),
                name="cap_alert_identifier_unique",
                violation_error_message=_("报文标识重复"),
            ),
            # One Update being written per message; a second "update" click reopens it.
            models.UniqueConstraint(
                fields=["replaces"],
                condition=Q(state__in=OPEN_STATES),
                name="cap_alert_one_open_successor",
                violation_error_message=_("该预警已有一份正在起草或待审核的更新"),
            ),
            models.CheckConstraint(
                condition=~Q(state__in=ISSUED_STATES)
                | (~Q(identifier="") & ~Q(sender="") & ~Q(xml="") & Q(sent__isnull=False)),
                name="cap_alert_issued_has_message",
                violation_error_message=_("已发布的报文须有标识、发送方、发送时间和 CAP 报文"),
            ),
            models.CheckConstraint(
                condition=Q(msg_type=MsgType.ALERT) | Q(replaces__isnull=False),
                name="cap_alert_update_cancel_reference",
                violation_error_message=_("更新和取消报文须引用原报文"),
            ),
        ]
        indexes = [
            # The public feed: published messages that have not expired.
            models.Index(
                fields=["expires"], condition=Q(state=State.PUBLISHED), name="cap_alert_active_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("cap:alert_detail", args=[self.pk])

    def clean(self):
        """One-record rules. That an area is given at all (regions, or a typed polygon or
        circle) is checked by the services, which know the picked regions."""
        self.polygon = area.normalise(self.polygon)
        self.circle = area.normalise(self.circle)
        errors = {}
        if self.expires and self.effective and self.expires <= self.effective:
            errors["expires"] = _("失效时间须晚于生效时间")
        if self.expires and self.onset and self.onset >= self.expires:
            errors["onset"] = _("预计开始时间须早于失效时间")
        if errors:
            raise ValidationError(errors)

    @property
    def cap_reference(self) -> str:
        """How later messages cite this one in ``references``: "sender,identifier,sent"."""
        return f"{self.sender},{self.identifier},{cap_datetime(self.sent)}"

    @property
    def is_issued(self) -> bool:
        return self.state in ISSUED_STATES

    @property
    def is_active(self) -> bool:
        return self.state == State.PUBLISHED and self.expires > timezone.now()

    @property
    def severity_colour(self) -> str:
        return SEVERITY_COLOURS.get(self.severity, "secondary")

    @property
    def state_colour(self) -> str:
        return STATE_COLOURS.get(self.state, "secondary")


class CapAlertTransition(TransitionRecord):
    """The timeline of one message: who moved it from which state to which, when and why."""

    alert = models.ForeignKey(CapAlert, on_delete=models.PROTECT, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("预警处理记录")
        verbose_name_plural = _("预警处理记录")

    def __str__(self) -> str:
        return f"{self.alert_id} {self.action}"
