"""Users, their role and scope, and API tokens for integrations."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from anjian.accounts.permissions import city_wide_actions, role_can
from anjian.accounts.roles import REGION_ROLES, Role
from anjian.core.caching import STAMP_ATTRIBUTE, stamp_annotation
from anjian.core.scoping import EMPTY, EVERYTHING, Scope, covers_deployment

phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$",
    _("请输入11位手机号或带区号的固定电话，如 13812345678、021-65012345"),
)


class AnjianUserManager(UserManager):
    def _create_user_object(self, username, email, password, **extra_fields):
        # Through set_password, so that saving records the password (see User.save).
        user = super()._create_user_object(username, email, None, **extra_fields)
        user.set_password(password)
        return user

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in. Role says what they may do; region/department/enterprise say where."""

    first_name = None
    last_name = None
    name = models.CharField(_("姓名"), max_length=40)
    phone = models.CharField(_("手机"), max_length=20, blank=True, validators=[phone_validator])
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("管辖区划"),
        help_text=_("用户可见范围：该区划及其下级"),
    )
    department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("所属部门"),
        help_text=_("行业主管部门用户只看本部门监管的行业"),
    )
    is_demo = models.BooleanField(_("演示账号"), default=False)
    password_changed_at = models.DateTimeField(
        _("密码修改时间"),
        default=timezone.now,
        editable=False,
        help_text=_("最近一次设置密码的时间（未设置过密码时为账号创建时间）"),
    )
    password_must_change = models.BooleanField(
        _("下次登录须修改密码"),
        default=False,
        editable=False,
        help_text=_("管理员重置密码后为是：用户登录后须先设置自己的新密码"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = AnjianUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.name}（{self.username}）" if self.name else self.username

    def save(self, *args, **kwargs):
        """Saving after ``set_password`` — whichever path set it: services, forms,
        ``createsuperuser`` — stamps ``password_changed_at`` and keeps the new hash in
        ``PasswordHistory`` (hash upgrades at login are not password changes)."""
        changing = self._password is not None
        if changing:
            self.password_changed_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "password_changed_at"}
        super().save(*args, **kwargs)
        if changing:
            PasswordHistory.record(user=self)

    def clean(self):
        super().clean()
        errors = {}
        if self.role in REGION_ROLES and self.region_id is None and not self.is_superuser:
            errors["region"] = _("该角色必须指定管辖区划")
        if self.role == Role.DEPARTMENT and self.department_id is None:
            errors["department"] = _("行业主管部门用户必须指定所属部门")
        if (
            self.department_id
            and self.region_id
            and not self.department.region_id.startswith(self.region_id)
            and not self.region_id.startswith(self.department.region_id)
        ):
            errors["department"] = _("所属部门不在管辖区划内")
        if errors:
            raise ValidationError(errors)

    def can(self, action: str) -> bool:
        if not self.role_grants(action):
            return False
        return action not in city_wide_actions() or covers_deployment(self.scope)

    def role_grants(self, action: str) -> bool:
        """What the role map grants, before a city-wide action asks for a city-wide scope
        (so a refusal can say which of the two it was: ``core.access``)."""
        return self.is_active and role_can(self.role, action)

    @cached_property
    def scope(self) -> Scope:
        if not self.is_active:
            return EMPTY
        if self.role == Role.ENTERPRISE:
            # The link lives in the enterprises app (it depends on accounts, not the reverse).
            link = getattr(self, "enterprise_link", None)
            if link is None:
                return EMPTY
            return Scope(enterprise_id=link.enterprise_id, label=str(link.enterprise))
        if self.role not in REGION_ROLES:
            return EMPTY
        if self.region_id is None:
            return EVERYTHING if self.is_superuser else EMPTY
        industry_ids = None
        label = self.region.full_name
        if self.department_id and not self.department.is_comprehensive:
            industry_ids = frozenset(self.department.industries.values_list("id", flat=True))
            label = f"{label} · {self.department.short_name}"
        return Scope(region_prefix=self.region_id, industry_ids=industry_ids, label=label)


class PasswordHistory(models.Model):
    """A hash of a password a user has had — never the password itself. The newest
    ``settings.PASSWORD_HISTORY`` are kept, so that ``PasswordHistoryValidator`` can refuse
    their reuse; older ones are deleted when a new one is recorded."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("密码哈希"), max_length=128, editable=False)
    created_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # PasswordHistoryValidator: a user's newest hashes.
            models.Index(fields=["user", "-created_at"], name="accounts_pwhistory_user_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, *, user) -> None:
        """Keep ``user``'s current hash; drop what falls beyond the configured depth."""
        keep = settings.PASSWORD_HISTORY
        if keep:
            cls.objects.create(user=user, password=user.password)
        stale = cls.objects.filter(user=user).order_by("-created_at", "-pk")[keep:]
        cls.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()


def _token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def authenticate(self, raw: str) -> "ApiToken | None":
        now = timezone.now()
        # The user with what its scope reads (as accounts.backends.SCOPE_RELATIONS), and
        # the stamp of the cached pickers (core.caching), in one statement.
        token = (
            self.select_related(
                "user__region", "user__department", "user__enterprise_link__enterprise"
            )
            .defer("user__region__boundary")
            .annotate(**stamp_annotation())
            .filter(digest=_token_digest(raw), revoked_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if token is not None:
            setattr(token.user, STAMP_ATTRIBUTE, getattr(token, STAMP_ATTRIBUTE))
        return token


class ApiToken(models.Model):
    """A bearer token for an integration. Only its SHA-256 digest is stored."""

    PREFIX = "aj_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=80)
    hint = models.CharField(_("令牌前缀"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("有效期至"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, *, user, name: str, days: int | None = None) -> tuple["ApiToken", str]:
        """Create a token; the raw value is returned once and never stored."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            hint=raw[:10],
            digest=_token_digest(raw),
            expires_at=timezone.now() + timedelta(days=days or settings.API_TOKEN_DAYS),
        )
        return token, raw

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
