"""Shared base models and the platform's own bookkeeping tables."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A record edited by several people: every update bumps ``version``.

    Services compare the version the editor started from with the stored one
    under a row lock; a mismatch is a Conflict, so the second writer never
    silently overwrites the first.
    """

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True


class TransitionRecord(models.Model):
    """One line of an object's timeline (``core.workflow``): a transition — who moved it
    from which state to which, when, why, with what — or another event (``from_state``
    and ``to_state`` empty). A lifecycle's record model adds the foreign key to its object
    (``Lifecycle.record_fk``); nothing is ever deleted from it."""

    action = models.CharField(_("操作"), max_length=24)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    reason = models.TextField(_("说明"), max_length=2000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class SiteFlag(models.Model):
    """Facts about this installation, e.g. that its data is a synthetic demo."""

    DEMO_DATA = "demo_data"
    # Changes with every write to the pickers' rows (regions, industries, departments):
    # the key of their cached copies (anjian/core/caching.py).
    REFERENCE_STAMP = "reference_stamp"

    key = models.CharField(max_length=64, primary_key=True)
    value = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.key


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class BackgroundJob(models.Model):
    """A long job a user started (import, large export), with progress they can watch.

    The work itself runs as a django.tasks task; this row is what the UI polls.
    """

    kind = models.CharField(_("类型"), max_length=64)
    status = models.CharField(
        _("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    params = models.JSONField(_("参数"), default=dict, blank=True)
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    report = models.JSONField(_("结果"), default=dict, blank=True)
    input_file = models.FileField(_("上传文件"), upload_to="jobs/input/%Y/%m/", blank=True)
    output_file = models.FileField(_("结果文件"), upload_to="jobs/output/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        indexes = [models.Index(fields=["created_by", "-created_at"], name="job_by_user_recent")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class PeriodicRun(models.Model):
    """One row per (periodic job, time slot): whoever inserts it first enqueues the job.

    The unique constraint is what makes several schedulers safe to run at once.
    """

    job = models.CharField(max_length=100)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="periodic_run_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.job}@{self.slot:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """An in-app notice to one user (reminder, escalation, alarm …), read on the inbox page.

    ``dedupe_key`` makes a sweep that runs twice (or on two workers at once) notify once:
    a (recipient, key) pair is unique. Channels beyond the inbox (SMS, e-mail) read from here.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), max_length=2000, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return self.title


class OutboxState(models.TextChoices):
    PENDING = "pending", _("待送达")
    DELIVERED = "delivered", _("已送达")


class OutboxMessage(models.Model):
    """One message for one upper-level system (直报), kept until it is acknowledged.

    Written by ``core.outbox.enqueue`` inside the transaction of the change it reports, so
    a message exists exactly when that change committed; delivered by ``deliver_due``
    (retried with back-off while the receiver does not answer 2xx). ``message_id`` is the
    same on every attempt: it is the receiver's idempotency key. The row stays after
    delivery — it is the record of what was reported to whom and when.
    """

    message_id = models.UUIDField(_("消息编号"), default=uuid.uuid4, unique=True, editable=False)
    receiver = models.CharField(_("接收系统"), max_length=40)
    topic = models.CharField(_("主题"), max_length=60)
    payload = models.JSONField(_("内容"), encoder=DjangoJSONEncoder)
    # What the message is about, for the record page (no foreign key: any model).
    subject_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("对象类型"),
    )
    subject_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("上次发送"), null=True, blank=True)
    last_error = models.CharField(_("上次错误"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("直报消息")
        verbose_name_plural = _("直报消息")
        ordering = ["created_at", "id"]
        indexes = [
            # The sweep: pending messages by when they are due (delivered rows, the bulk
            # over time, are not in it).
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_due",
                condition=models.Q(state="pending"),
            ),
            # The record page: the messages about one object.
            models.Index(fields=["subject_type", "subject_id"], name="outbox_by_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} → {self.receiver} ({self.message_id})"


class WorkCalendarYear(models.Model):
    """A year whose holidays and make-up working days (调休) an administrator entered here,
    because the ``chinese-calendar`` package does not carry it yet (it publishes each
    year once the State Council has announced it). Its days are Monday to Friday except
    the ``WorkCalendarDay`` rows of the year."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(
        _("依据"), max_length=200, help_text=_("如“国务院办公厅关于2027年部分节假日安排的通知”")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    entered_at = models.DateTimeField(default=timezone.now)
    synthetic = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("工作日历年份")
        verbose_name_plural = _("工作日历年份")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class WorkCalendarDay(models.Model):
    """One day that is not what the weekday says: a holiday on a weekday or a make-up
    working day on a weekend. Overrides the package too, for a local correction."""

    day = models.DateField(_("日期"), unique=True)
    working = models.BooleanField(_("上班"), help_text=_("勾选为调休上班日，不勾选为放假"))
    name = models.CharField(_("名称"), max_length=40, help_text=_("如“春节”“调休上班”"))

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"
