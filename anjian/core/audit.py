"""The audit trail as users read it on each record's page (django-auditlog underneath)."""

from dataclasses import dataclass

from auditlog.models import LogEntry
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

_EMPTY = {"None", "", "[]"}
_WORDS = {"True": "是", "False": "否"}


@dataclass(frozen=True)
class HistoryRow:
    action: int
    action_label: str
    actor: str
    timestamp: object
    remote_addr: str | None
    via: str
    changes: list[tuple[str, str, str]]


ACTION_LABELS = {
    LogEntry.Action.CREATE: gettext_lazy("创建"),
    LogEntry.Action.UPDATE: gettext_lazy("修改"),
    LogEntry.Action.DELETE: gettext_lazy("删除"),
    LogEntry.Action.ACCESS: gettext_lazy("访问"),
}


def _shown(value) -> str:
    text = str(value)
    if text in _EMPTY:
        return ""
    return _WORDS.get(text, text)


def history(obj, *, limit: int = 50) -> list[HistoryRow]:
    """Newest first: who did what and when, with each changed field's old and new value."""
    entries = (
        LogEntry.objects.get_for_object(obj)
        .select_related("actor")
        .order_by("-timestamp", "-pk")[:limit]
    )
    rows = []
    for entry in entries:
        changes = []
        for label, values in entry.changes_display_dict.items():
            old, new = (_shown(values[0]), _shown(values[1])) if len(values) == 2 else ("", "")
            if entry.action == LogEntry.Action.CREATE and not new:
                continue
            changes.append((str(label), old, new))
        extra = entry.additional_data or {}
        rows.append(
            HistoryRow(
                action=entry.action,
                action_label=str(ACTION_LABELS.get(entry.action, entry.get_action_display())),
                actor=str(entry.actor) if entry.actor else _("系统"),
                timestamp=entry.timestamp,
                remote_addr=entry.remote_addr,
                via=_("批量导入") if extra.get("via") == "bulk" else extra.get("via", ""),
                changes=changes,
            )
        )
    return rows
