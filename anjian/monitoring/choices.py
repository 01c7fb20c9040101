from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceCategory(models.TextChoices):
    HAZARD_SOURCE = "hazard_source", _("重大危险源（液位/温度/压力）")
    GAS = "gas", _("有毒/可燃气体")
    ELEVATOR = "elevator", _("电梯")
    FIRE = "fire", _("消防（水压/火警）")
    STRUCTURE = "structure", _("结构安全")
    OTHER = "other", _("其他")


class DeviceState(models.TextChoices):
    NEVER = "never", _("未上线")
    ONLINE = "online", _("在线")
    OFFLINE = "offline", _("离线")


class ThresholdLevel(models.TextChoices):
    """Where a threshold lies and which way a value crosses it; the -high/-low pairs are
    the two grades (二级 = first limit, 一级 = the more severe one)."""

    HIGH = "high", _("高报（二级）")
    HIGH_HIGH = "high_high", _("高高报（一级）")
    LOW = "low", _("低报（二级）")
    LOW_LOW = "low_low", _("低低报（一级）")


UPPER_LEVELS = (ThresholdLevel.HIGH, ThresholdLevel.HIGH_HIGH)
FIRST_GRADE_LEVELS = (ThresholdLevel.HIGH_HIGH, ThresholdLevel.LOW_LOW)


def grade_of(level: str) -> int:
    """1 (一级) for the more severe level of a pair, else 2 (二级)."""
    return 1 if level in FIRST_GRADE_LEVELS else 2


# An alarm's grade: its name and its badge colour (一级 red, 二级 orange) on every page.
GRADE_LABELS = {1: _("一级"), 2: _("二级")}
GRADE_COLOURS = {1: "red", 2: "orange"}


class AlarmState(models.TextChoices):
    ACTIVE = "active", _("待确认")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    DISPOSED = "disposed", _("已处置")


OPEN_ALARM_STATES = (AlarmState.ACTIVE, AlarmState.ACKNOWLEDGED)


class AlarmCause(models.TextChoices):
    REAL = "real", _("真实报警")
    FALSE = "false", _("误报")
    MAINTENANCE = "maintenance", _("检修/维护")
    FAULT = "fault", _("设备故障")


class EscalationStep(models.IntegerChoices):
    ENTERPRISE = 0, _("企业值班人员")
    STREET = 1, _("街镇")
    DISTRICT = 2, _("区应急局")


class Channel(models.TextChoices):
    MQTT = "mqtt", "MQTT"
    HTTP = "http", "HTTP"


class RejectReason(models.TextChoices):
    MALFORMED = "malformed", _("报文格式错误")
    UNKNOWN_DEVICE = "unknown_device", _("未登记的设备")
    INACTIVE_DEVICE = "inactive_device", _("设备已停用")
    TOPIC_MISMATCH = "topic_mismatch", _("主题与设备所属单位不符")
    BAD_TOKEN = "bad_token", _("设备令牌错误")
    UNKNOWN_METRIC = "unknown_metric", _("设备类型没有该监测项")
    OUT_OF_RANGE = "out_of_range", _("数值超出有效范围")
    BAD_VALUE = "bad_value", _("数值不是数字")
    BAD_TIMESTAMP = "bad_timestamp", _("时间格式错误")
    FUTURE_TIMESTAMP = "future_timestamp", _("时间超前")
    TOO_OLD = "too_old", _("时间早于保留期")
    DUPLICATE = "duplicate", _("重复的读数")
    FAILED = "failed", _("多次入库失败")


class QualityKind(models.TextChoices):
    FLAT_LINE = "flat_line", _("数值长时间不变")
    IMPOSSIBLE = "impossible", _("不可能的数值")
    GAP = "gap", _("数据中断")
    CONFIG_CHANGE = "config_change", _("阈值或设置被修改")
