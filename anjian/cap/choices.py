"""CAP 1.2 enumerations (the OASIS values) with Chinese labels, and our lifecycle states.

Values are exactly the standard's (RULES.md §12) so they go into the XML unchanged;
labels are what users read. Severity also carries the 红橙黄蓝 colour of a Chinese
early warning (预警级别), which the pages show as a badge.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    """Where a message is in our workflow. Transitions live in ``lifecycle.py``."""

    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待审核")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被更新")
    CANCELLED = "cancelled", _("已取消")
    DISCARDED = "discarded", _("已作废")


# Not yet issued: editable (draft) or waiting for a second person (pending).
OPEN_STATES = (State.DRAFT, State.PENDING)
# Issued at some point: has an identifier, a sent time and its stored XML.
ISSUED_STATES = (State.PUBLISHED, State.SUPERSEDED, State.CANCELLED)


class Status(models.TextChoices):
    """CAP ``status``: how recipients should treat the message."""

    ACTUAL = "Actual", _("正式（Actual）")
    EXERCISE = "Exercise", _("演练（Exercise）")
    SYSTEM = "System", _("系统消息（System）")
    TEST = "Test", _("测试（Test）")
    DRAFT = "Draft", _("草案，不可执行（Draft）")


class MsgType(models.TextChoices):
    """CAP ``msgType`` (Ack and Error are for system-to-system replies; we do not send them)."""

    ALERT = "Alert", _("首次发布")
    UPDATE = "Update", _("更新")
    CANCEL = "Cancel", _("取消")


class Scope(models.TextChoices):
    """CAP ``scope``. Public warnings only: Restricted/Private need addressing we do not keep."""

    PUBLIC = "Public", _("公开")


class Category(models.TextChoices):
    GEO = "Geo", _("地质灾害")
    MET = "Met", _("气象")
    SAFETY = "Safety", _("安全生产/公共安全")
    SECURITY = "Security", _("治安保卫")
    RESCUE = "Rescue", _("救援与恢复")
    FIRE = "Fire", _("火灾")
    HEALTH = "Health", _("卫生健康")
    ENV = "Env", _("环境污染")
    TRANSPORT = "Transport", _("交通运输")
    INFRA = "Infra", _("基础设施")
    CBRNE = "CBRNE", _("危险化学品/核生化爆")
    OTHER = "Other", _("其他")


class ResponseType(models.TextChoices):
    NONE_GIVEN = "", _("（不填）")
    SHELTER = "Shelter", _("就地避险")
    EVACUATE = "Evacuate", _("撤离")
    PREPARE = "Prepare", _("做好准备")
    EXECUTE = "Execute", _("执行预案")
    AVOID = "Avoid", _("避开危险区域")
    MONITOR = "Monitor", _("密切关注")
    ASSESS = "Assess", _("评估研判")
    ALL_CLEAR = "AllClear", _("解除警报")
    NONE = "None", _("无需行动")


class Urgency(models.TextChoices):
    IMMEDIATE = "Immediate", _("立即（须马上行动）")
    EXPECTED = "Expected", _("预期（一小时内行动）")
    FUTURE = "Future", _("未来（近期行动）")
    PAST = "Past", _("过去（已无需行动）")
    UNKNOWN = "Unknown", _("未知")


class Severity(models.TextChoices):
    EXTREME = "Extreme", _("特别严重（红色）")
    SEVERE = "Severe", _("严重（橙色）")
    MODERATE = "Moderate", _("较重（黄色）")
    MINOR = "Minor", _("一般（蓝色）")
    UNKNOWN = "Unknown", _("未知")


SEVERITY_COLOURS = {
    Severity.EXTREME: "red",
    Severity.SEVERE: "orange",
    Severity.MODERATE: "yellow",
    Severity.MINOR: "blue",
    Severity.UNKNOWN: "secondary",
}

SEVERITY_HELP = _(
    "按事故等级对应：特别重大→特别严重（Extreme）、重大→严重（Severe）、"
    "较大→较重（Moderate）、一般→一般（Minor）"
)


class Certainty(models.TextChoices):
    OBSERVED = "Observed", _("已发生/已观测")
    LIKELY = "Likely", _("很可能（概率大于50%）")
    POSSIBLE = "Possible", _("可能（概率不大于50%）")
    UNLIKELY = "Unlikely", _("不太可能")
    UNKNOWN = "Unknown", _("未知")


STATE_COLOURS = {
    State.DRAFT: "secondary",
    State.PENDING: "yellow",
    State.PUBLISHED: "green",
    State.SUPERSEDED: "azure",
    State.CANCELLED: "red",
    State.DISCARDED: "secondary",
}
