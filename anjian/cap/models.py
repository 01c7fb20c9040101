"""Public early warnings (预警信息发布) as OASIS CAP 1.2 messages.

One ``CapAlert`` row is one CAP message with one ``<info>`` (language zh-CN) and one
``<area>``. A message is written as a draft, approved by a second person and published:
only then does it get its identifier, sent time, sender and the XML, which is validated
against the OASIS schema and never changed afterwards. An Update or Cancel is a new row
that ``replaces`` the message it refers to (its ``references``); the replaced message is
marked superseded or cancelled. Rows are never deleted.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accounts.models import phone_validator
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


# --- co-issuing (联合发布) ------------------------------------------------------------------


class CapCoIssuer(models.Model):
    """A department named to issue a warning together with its authority (联合发布). Each
    must agree (会签) — once, by one of its users — before the warning can be approved and
    published (``lifecycle.co_issuers_agreed``). A return to draft clears the agreements
    (the timeline keeps them: ``cosign`` and ``cosign_reset`` events)."""

    alert = models.ForeignKey(CapAlert, on_delete=models.PROTECT, related_name="co_issuers")
    department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("联合发布部门"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("会签人"),
    )
    approved_at = models.DateTimeField(_("会签时间"), null=True, blank=True)
    opinion = models.CharField(_("会签意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("联合发布部门")
        verbose_name_plural = _("联合发布部门")
        ordering = ["alert_id", "department__sort_order", "department_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "department"],
                name="cap_co_issuer_once",
                violation_error_message=_("同一部门只能列为一次联合发布部门"),
            ),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True, approved_by__isnull=True)
                | Q(approved_at__isnull=False, approved_by__isnull=False),
                name="cap_co_issuer_approval_complete",
                violation_error_message=_("会签须有会签人和时间"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.department_id}"

    @property
    def agreed(self) -> bool:
        return self.approved_at is not None


# --- recipient lists -------------------------------------------------------------------------


class CapContact(models.Model):
    """A person on a street's or community's warning contact list (街镇、社区预警联络人):
    someone to tell who has no account (楼组长, 物业, 学校值班室 …)."""

    scope_paths = ScopePaths(region="region__code")

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所在区划"),
        help_text=_("街道（镇）、社区或网格"),
    )
    name = models.CharField(_("姓名或单位"), max_length=60)
    title = models.CharField(_("职务"), max_length=60, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("预警联络人")
        verbose_name_plural = _("预警联络人")
        ordering = ["region_id", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email=""),
                name="cap_contact_has_address",
                violation_error_message=_("手机和电子邮箱至少填写一项"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SubscriptionState(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已订阅")
    CANCELLED = "cancelled", _("已退订")


class CapSubscription(models.Model):
    """A member of the public who asked for the warnings of some regions by SMS or e-mail
    (公众订阅). Counted as a recipient only once confirmed through the link sent to the
    address; the same link's token lets them cancel."""

    phone = models.CharField(_("手机"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    regions = models.ManyToManyField("regions.Region", related_name="+", verbose_name=_("订阅区划"))
    token = models.CharField(max_length=64, unique=True, editable=False)
    state = models.CharField(
        _("状态"),
        max_length=10,
        choices=SubscriptionState.choices,
        default=SubscriptionState.PENDING,
        editable=False,
    )
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now, editable=False)
    # When the confirmation message last went out (a repeated request resends it, at
    # most every few minutes).
    notified_at = models.DateTimeField(null=True, editable=False)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, editable=False)
    cancelled_at = models.DateTimeField(_("退订时间"), null=True, editable=False)

    class Meta:
        verbose_name = _("公众订阅")
        verbose_name_plural = _("公众订阅")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(~Q(phone="") & Q(email="")) | (Q(phone="") & ~Q(email="")),
                name="cap_subscription_one_address",
                violation_error_message=_("手机和电子邮箱填写其中一项"),
            ),
            # One live subscription per address: subscribing again changes its regions.
            models.UniqueConstraint(
                fields=["phone", "email"],
                condition=~Q(state=SubscriptionState.CANCELLED),
                name="cap_subscription_one_live_per_address",
                violation_error_message=_("该号码或邮箱已订阅"),
            ),
        ]

    def __str__(self) -> str:
        return self.phone or self.email

    @property
    def address(self) -> str:
        return self.phone or self.email


# --- deliveries ------------------------------------------------------------------------------


class DeliveryState(models.TextChoices):
    """queued → sent (a gateway accepted it) → delivered / failed (its receipt); a channel
    that knows at once (e-mail accepted by the mail server, a webhook's 2xx) goes straight
    to delivered. queued → queued while attempts fail (back-off), → failed at the limit."""

    QUEUED = "queued", _("待发送")
    SENT = "sent", _("已发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("失败")


DELIVERY_STATE_COLOURS = {
    DeliveryState.QUEUED: "secondary",
    DeliveryState.SENT: "azure",
    DeliveryState.DELIVERED: "green",
    DeliveryState.FAILED: "red",
}


class RecipientKind(models.TextChoices):
    """Which list a recipient came from (the first one, when an address is on several)."""

    DUTY = "duty", _("企业值班人员")
    OFFICIAL = "official", _("街镇社区工作人员")
    CONTACT = "contact", _("街镇社区联络人")
    ENTERPRISE = "enterprise", _("区域内企业")
    SUBSCRIBER = "subscriber", _("公众订阅")
    ENDPOINT = "endpoint", _("广播与显示屏系统")


# The channel of a recipient no configured channel can reach (no phone, no e-mail).
NO_CHANNEL = "none"


class CapDelivery(models.Model):
    """One warning to one address through one channel: the unit of the reach figures.

    Written when the warning is published (``delivery.queue_for``: every recipient of its
    area, once per address and channel); sent after the commit by ``delivery.deliver_due``
    with leases; moved by the gateway's receipts. ``key`` is what the gateway and the
    receivers see (the same on every attempt); ``scope_region_code`` is where the recipient
    is (their street, community or grid), ``area_code`` the street (or district) the reach
    figures group it under."""

    scope_paths = ScopePaths(region="scope_region_code")

    alert = models.ForeignKey(CapAlert, on_delete=models.PROTECT, related_name="deliveries")
    key = models.UUIDField(_("消息编号"), default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("渠道"), max_length=20)
    address = models.CharField(_("地址"), max_length=254)
    recipient_kind = models.CharField(_("名单"), max_length=12, choices=RecipientKind.choices)
    name = models.CharField(_("接收人"), max_length=200, blank=True)
    subscription = models.ForeignKey(
        CapSubscription, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scope_region_code = models.CharField(max_length=24)
    area_code = models.CharField(_("所在街镇"), max_length=24)
    state = models.CharField(
        _("状态"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("上次发送"), null=True, blank=True)
    last_error = models.CharField(_("原因"), max_length=300, blank=True)
    provider_id = models.CharField(_("网关消息编号"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    failed_at = models.DateTimeField(_("失败时间"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("预警送达")
        verbose_name_plural = _("预警送达")
        ordering = ["alert_id", "id"]
        constraints = [
            # Deduplication: one message per address and channel, whichever lists it is on.
            models.UniqueConstraint(
                fields=["alert", "channel", "address"], name="cap_delivery_once_per_address"
            ),
        ]
        indexes = [
            # The sender's claim: queued deliveries by when they are due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state=DeliveryState.QUEUED),
                name="cap_delivery_due",
            ),
            # The receipts: a gateway may quote its own message id.
            models.Index(
                fields=["provider_id"], condition=~Q(provider_id=""), name="cap_delivery_provider"
            ),
            # The figures per warning and area.
            models.Index(fields=["alert", "area_code"], name="cap_delivery_area"),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.channel} {self.address}"

    @property
    def state_colour(self) -> str:
        return DELIVERY_STATE_COLOURS.get(self.state, "secondary")

    @property
    def shown_address(self) -> str:
        """The address as pages show it: a member of the public's partly hidden."""
        if self.channel == NO_CHANNEL:
            return "—"
        if self.recipient_kind != RecipientKind.SUBSCRIBER:
            return self.address
        name, at, domain = self.address.partition("@")
        if at:
            return f"{name[:1]}***@{domain}"
        return f"{self.address[:3]}****{self.address[-4:]}"
