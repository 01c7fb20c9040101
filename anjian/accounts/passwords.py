"""The password policy (等保 2.0, GB/T 22239-2019 身份鉴别): complexity, no reuse, periodic change.

Two Django password validators (listed in ``settings.AUTH_PASSWORD_VALIDATORS`` beside
Django's length, common-password, numeric and similarity checks) and the age rule the
``PasswordExpiryMiddleware`` enforces. Each reads its number from settings when it runs
(``PASSWORD_MIN_CLASSES``, ``PASSWORD_HISTORY``, ``PASSWORD_MAX_AGE_DAYS``; the
``ANJIAN_PASSWORD_*`` variables), unless given one as an option.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import PasswordHistory, User

CLASSES = ("lower", "upper", "digit", "symbol")


def character_classes(password: str) -> set[str]:
    """Which of the four classes a password uses. Anything that is not an ASCII letter
    or digit (punctuation, spaces, Chinese characters) counts as a symbol."""
    found = set()
    for char in password:
        if "a" <= char <= "z":
            found.add("lower")
        elif "A" <= char <= "Z":
            found.add("upper")
        elif "0" <= char <= "9":
            found.add("digit")
        else:
            found.add("symbol")
    return found


class CharacterClassValidator:
    """At least ``min_classes`` of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int | None = None):
        self._min_classes = min_classes

    @property
    def min_classes(self) -> int:
        if self._min_classes is None:
            return settings.PASSWORD_MIN_CLASSES
        return self._min_classes

    def validate(self, password, user=None):
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。") % {
            "n": self.min_classes
        }


class PasswordHistoryValidator:
    """Not the current password nor one of the user's last ``history`` passwords.

    The hashes come from ``PasswordHistory`` (kept by ``User.save``) and the user's stored
    hash; nothing is compared in plain text. A new account has no history.
    """

    def __init__(self, history: int | None = None):
        self._history = history

    @property
    def history(self) -> int:
        return settings.PASSWORD_HISTORY if self._history is None else self._history

    def validate(self, password, user=None):
        if not self.history or user is None or user.pk is None:
            return
        stored = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        recent = PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[
            : self.history
        ]
        hashes = dict.fromkeys([stored, *recent])  # unique, newest first
        if any(encoded and check_password(password, encoded) for encoded in hashes):
            raise ValidationError(self.message(), code="password_reused")

    def message(self) -> str:
        return _("新密码不能与最近用过的 %(n)d 个密码（含当前密码）相同。") % {"n": self.history}

    def get_help_text(self):
        return self.message() if self.history else ""


def policy_text() -> str:
    """The whole policy in one sentence, for form help texts."""
    parts = [
        _("至少 %(n)d 位") % {"n": settings.PASSWORD_MIN_LENGTH},
        _("包含大写字母、小写字母、数字、符号中的至少 %(n)d 类")
        % {"n": settings.PASSWORD_MIN_CLASSES},
        _("不能全为数字或为常见密码"),
    ]
    if settings.PASSWORD_HISTORY:
        parts.append(
            _("不能与最近用过的 %(n)d 个密码（含当前密码）相同") % {"n": settings.PASSWORD_HISTORY}
        )
    return "，".join(parts)


# What a generated password is made of: no characters that read alike (0/O, 1/l/I), no
# quotes, spaces or "&", so that it can be read out or typed from a note without mistakes.
_ALPHABET = {
    "lower": "abcdefghijkmnpqrstuvwxyz",
    "upper": "ABCDEFGHJKLMNPQRSTUVWXYZ",
    "digit": "23456789",
    "symbol": "#$%*+-=?@",
}
GENERATED_LENGTH = 14


def generate_password(user=None) -> str:
    """A random temporary password that passes the configured validators for ``user``:
    every character class, at least ``GENERATED_LENGTH`` characters (more when the
    minimum length asks for it)."""
    length = max(GENERATED_LENGTH, settings.PASSWORD_MIN_LENGTH)
    every = "".join(_ALPHABET.values())
    while True:
        chars = [secrets.choice(group) for group in _ALPHABET.values()]
        chars += [secrets.choice(every) for _ in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        try:
            validate_password(password, user)
        except ValidationError:  # e.g. too like the user name: draw again
            continue
        return password


def must_change_password(user, *, now: datetime | None = None) -> bool:
    """Whether the user must set a new password before anything else: an administrator
    reset it (``password_must_change``), or it is older than the policy allows."""
    return bool(getattr(user, "password_must_change", False)) or password_expired(user, now=now)


def password_expires_at(user) -> datetime | None:
    """When the user's password must be changed, or None when passwords do not expire."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days or user.password_changed_at is None:
        return None
    return user.password_changed_at + timedelta(days=days)


def password_expired(user, *, now: datetime | None = None) -> bool:
    expires = password_expires_at(user)
    return expires is not None and expires <= (now or timezone.now())
