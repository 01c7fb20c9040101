"""Errors that services raise and every interface (page, API, import, CLI) maps the same way."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class OutOfScope(Exception):
    """The object is, or a write would put it, outside the acting user's scope.

    Pages and the API answer 404 for reads (never revealing that the object exists);
    a write that would leave scope is rolled back and reported on the field that moved it.
    """

    def __init__(self, message=None, *, field: str | None = None):
        super().__init__(message or _("超出您的管辖范围"))
        self.field = field


class Conflict(Exception):
    """Someone else changed the record first (optimistic version check failed), or the
    record's state does not allow what was asked. ``state`` is the state it is in now,
    when the conflict is about a lifecycle (the API answers it with the 409)."""

    def __init__(self, message=None, *, state: str | None = None, state_label: str | None = None):
        super().__init__(message or _("该记录已被他人修改，请刷新页面后重新编辑。"))
        self.state = state
        self.state_label = state_label


class NotPermitted(Exception):
    """The user may see the record but their role may not do this to it (pages: 403)."""

    def __init__(self, message=None):
        super().__init__(message or _("您无权执行此操作"))


__all__ = ["Conflict", "NotPermitted", "OutOfScope", "ValidationError"]
