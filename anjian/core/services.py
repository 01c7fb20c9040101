"""What every service that takes a dict of fields shares.

A service that writes ``data`` field by field refuses a key it does not write, naming it,
instead of dropping it: a caller that sends ``{"code": …}`` to an update that keeps the
code, or misspells a field, learns so at once (a ValidationError: 422 on a page or the
API) rather than seeing a "saved" record without the change.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def writable(data: dict, allowed) -> dict:
    """A copy of ``data`` when every key is one of ``allowed``; else a ValidationError (for
    the form as a whole, code ``unknown_fields``) naming the keys it does not write."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError(
            _("不能修改的字段：%(f)s") % {"f": "、".join(unknown)}, code="unknown_fields"
        )
    return dict(data)
