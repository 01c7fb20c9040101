"""The demo's duty persons at work: the simulator acknowledges (确认) and disposes (处置) part
of its devices' alarms as the enterprises' synthetic on-duty accounts (``duty-<pk>``,
``fixtures.DUTY_PREFIX``), so the demo's alarms do not pile up unhandled.

Every write goes through the real services (``services.alarm_acknowledge`` /
``alarm_dispose``: compare-and-set at the version read, an ``AlarmEvent`` per transition,
the duty person as the actor); an alarm someone else handled meanwhile is left alone.
The simulator never acts as any other account — a human demo user (``qy_manager``) or a
real duty person — and never on alarms of devices it does not drive.

What happens to an alarm is a pure function of the seed and the alarm (device, metric,
level, moment raised) — ``plan`` — and of its age when a round looks at it:

=========  =====  ===========================================  =============================
who        share  确认 after raised                             处置 after 确认
=========  =====  ===========================================  =============================
prompt     55 %   1–5 min (before the street is told)           5–25 min
slow       30 %   7–30 min (the street has been told)           15–60 min
late       15 %   1–3 h (the district has been told)            10–60 min
=========  =====  ===========================================  =============================

An alarm is disposed once its value came back (or an hour after it was due, whatever the
value), with a cause and a disposal note that fit its device and metric (``DISPOSALS``).
So alarms older than about four hours are all handled, the last hour's partly open.
"""

import hashlib
import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from auditlog.context import set_actor
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from anjian.core.exceptions import Conflict, NotPermitted
from anjian.monitoring import services
from anjian.monitoring.choices import AlarmCause, AlarmState
from anjian.monitoring.fixtures import DUTY_PREFIX
from anjian.monitoring.models import Alarm, DutyPerson

logger = logging.getLogger(__name__)

REAL, FALSE, MAINTENANCE, FAULT = (
    AlarmCause.REAL,
    AlarmCause.FALSE,
    AlarmCause.MAINTENANCE,
    AlarmCause.FAULT,
)
MINUTE = 60.0
# (share up to, 确认 after (s), 处置 after 确认 (s))
SPEEDS = (
    (0.55, (1 * MINUTE, 5 * MINUTE), (5 * MINUTE, 25 * MINUTE)),
    (0.85, (7 * MINUTE, 30 * MINUTE), (15 * MINUTE, 60 * MINUTE)),
    (1.00, (60 * MINUTE, 180 * MINUTE), (10 * MINUTE, 60 * MINUTE)),
)
UNRECOVERED_GRACE = 60 * MINUTE  # disposed this long after it was due even if not recovered
ACKNOWLEDGE_NOTES = (
    "已收到报警，值班人员正赶赴现场核查",
    "已电话通知现场操作人员核实，正在处理",
    "收到，已安排巡检人员到场确认",
)

# (device type, metric) → [(weight, cause, disposal note)]
DISPOSALS: dict[tuple[str, str], list[tuple[int, str, str]]] = {
    ("tank", "level"): [
        (6, REAL, "进料阀未及时关闭致液位偏高，已停止进料并倒罐至正常液位，复核液位计读数正常"),
        (3, FALSE, "现场核对玻璃板液位计与远传数据不符，为雷达液位计探头挂料误报，已清理探头"),
        (1, MAINTENANCE, "液位计校验期间数据波动，校验完毕已恢复正常"),
    ],
    ("tank", "temp"): [
        (7, REAL, "高温暴晒致罐体温度升高，已开启喷淋降温，复测温度正常"),
        (3, FAULT, "温度变送器接线松动致读数跳变，已紧固接线，读数恢复正常"),
    ],
    ("tank", "pressure"): [
        (7, REAL, "呼吸阀阀盘粘连致罐内压力升高，已清理呼吸阀，压力恢复正常"),
        (3, MAINTENANCE, "氮封系统调试期间压力波动，调试完毕压力稳定"),
    ],
    ("reactor", "temp"): [
        (7, REAL, "冷却水流量不足致釜温升高，已加大冷却水量并暂停投料，温度回落正常"),
        (3, FAULT, "釜内温度计套管结垢致测温偏差，已清理并校准，读数正常"),
    ],
    ("reactor", "pressure"): [
        (7, REAL, "滴加速度过快致反应放热加剧、釜压上升，已减缓滴加并加强冷却，压力恢复正常"),
        (3, FAULT, "压力变送器引压管堵塞，已疏通并校验，读数正常"),
    ],
    ("gas_lel", "lel"): [
        (6, REAL, "现场排查为阀门法兰轻微泄漏，已紧固并通风，复测正常"),
        (3, FALSE, "现场便携式检测仪复测未检出可燃气体，为探测器受潮漂移误报，已校准"),
        (1, MAINTENANCE, "检修前置换吹扫期间报警，已按作业票管理，吹扫结束复测正常"),
    ],
    ("gas_toxic", "co"): [
        (7, REAL, "通风不良致一氧化碳积聚，已开启强制通风并撤离无关人员，复测正常"),
        (3, FALSE, "现场复测未检出一氧化碳，为附近车辆尾气短时干扰，已加强巡查"),
    ],
    ("gas_toxic", "h2s"): [
        (7, REAL, "污水池搅动释放硫化氢，已加强通风，人员佩戴防护用具排查，复测正常"),
        (3, FAULT, "传感器超过使用期限灵敏度下降，已更换传感器"),
    ],
    ("fire_water", "pressure"): [
        (5, REAL, "消防泵出口阀门被误关致管网压力下降，已恢复开启，管网压力正常"),
        (3, MAINTENANCE, "喷淋系统末端试水致压力下降，试验结束已恢复"),
        (2, FAULT, "稳压泵故障未能补压，已通知维保单位修复，压力恢复正常"),
    ],
    ("fire_panel", "alarm"): [
        (6, FALSE, "现场确认无火情，为厨房油烟触发感烟探测器误报，已复位控制器"),
        (3, REAL, "现场发现配电箱线缆过热冒烟，已断电处置并通知电工检修，无人员伤亡"),
        (1, MAINTENANCE, "维保单位测试探测器触发报警，测试结束已复位"),
    ],
    ("fire_panel", "fault"): [
        (8, FAULT, "探测回路短路故障，已通知维保单位更换故障探测器"),
        (2, MAINTENANCE, "装修施工时断开回路所致，施工结束已恢复接线"),
    ],
    ("elevator", "speed"): [
        (6, FAULT, "限速器动作，维保单位检查后已调整制动器间隙，试运行正常"),
        (4, REAL, "曳引轮绳槽磨损致溜车超速，已停梯并报维保单位处置，检验合格后恢复运行"),
    ],
    ("elevator", "load"): [
        (8, REAL, "高峰时段乘梯人员过多致超载，已安排人员现场疏导"),
        (2, FAULT, "称重装置零点漂移，维保单位已重新标定"),
    ],
    ("elevator", "door_open"): [
        (8, FAULT, "厅门门锁触点接触不良，维保单位已清洁调整，试运行正常"),
        (2, REAL, "乘客扒门致运行中开门，已停梯检查并加强宣传提示"),
    ],
    ("structure", "displacement"): [
        (7, REAL, "基坑边堆载过大致位移增大，已清除坑边堆载并加密监测，位移趋稳"),
        (3, FAULT, "测点被施工机械碰撞，已重新安装并校准"),
    ],
    ("structure", "tilt"): [
        (7, REAL, "支撑体系局部失稳致倾斜增大，已暂停作业并加固支撑，监测数据趋稳"),
        (3, FAULT, "倾角传感器安装支架松动，已紧固并校准"),
    ],
}
OTHER = [(1, REAL, "现场核查后已处置，数值恢复正常")]


@dataclass(frozen=True)
class Plan:
    """What the duty person does with one alarm: 确认 and 处置 so many seconds after it was
    raised, with that cause and note, as the ``pick``-th of the enterprise's duty persons."""

    acknowledge_after: float
    dispose_after: float
    cause: str
    note: str
    acknowledge_note: str
    pick: int


@dataclass
class Handled:
    acknowledged: int = 0
    disposed: int = 0


def _uniform(seed: int, key: str, what: str) -> float:
    digest = hashlib.blake2b(f"{seed}:{key}:{what}".encode(), digest_size=8).digest()
    return int.from_bytes(digest) / 2**64


def _between(u: float, span: tuple[float, float]) -> float:
    return span[0] + u * (span[1] - span[0])


def _weighted(u: float, options: list[tuple[int, str, str]]) -> tuple[str, str]:
    """The (cause, note) of ``options`` that ``u`` (0–1) falls on, by weight."""
    target = u * sum(weight for weight, _cause, _note in options)
    for weight, cause, note in options:
        if target < weight:
            return cause, note
        target -= weight
    return options[-1][1], options[-1][2]


def alarm_key(alarm: Alarm) -> str:
    """What identifies an alarm whatever its row number: device, metric, level, moment."""
    raised = round(alarm.raised_at.timestamp())
    return f"{alarm.device.code}:{alarm.metric.code}:{alarm.level}:{raised}"


def plan(alarm: Alarm, seed: int) -> Plan:
    """The handling of ``alarm`` (needs its device with its type, and its metric)."""
    key = alarm_key(alarm)
    speed = _uniform(seed, key, "speed")
    _share, acknowledge, dispose = next(row for row in SPEEDS if speed < row[0])
    acknowledge_after = _between(_uniform(seed, key, "ack"), acknowledge)
    dispose_after = acknowledge_after + _between(_uniform(seed, key, "dispose"), dispose)
    options = DISPOSALS.get((alarm.device.device_type.code, alarm.metric.code), OTHER)
    cause, note = _weighted(_uniform(seed, key, "cause"), options)
    notes = ACKNOWLEDGE_NOTES
    return Plan(
        acknowledge_after=acknowledge_after,
        dispose_after=dispose_after,
        cause=cause,
        note=note,
        acknowledge_note=notes[int(_uniform(seed, key, "ack-note") * len(notes))],
        pick=int(_uniform(seed, key, "who") * 1_000_000),
    )


def duty_staff(enterprise_ids: Collection[int]) -> dict[int, list]:
    """Enterprise id → its active synthetic on-duty users (the only ones the simulator
    acts as), in id order."""
    staff: dict[int, list] = {}
    for person in (
        DutyPerson.objects.filter(
            enterprise_id__in=enterprise_ids,
            is_active=True,
            user__is_active=True,
            user__username__startswith=DUTY_PREFIX,
        )
        .select_related("user")
        .order_by("user_id")
    ):
        staff.setdefault(person.enterprise_id, []).append(person.user)
    return staff


def _act(alarm: Alarm, step: Plan, user, age: float) -> Handled:
    done = Handled()
    if alarm.state == AlarmState.ACTIVE and age >= step.acknowledge_after:
        alarm = services.alarm_acknowledge(
            by=user, alarm_id=alarm.pk, expected_version=alarm.version, note=step.acknowledge_note
        )
        done.acknowledged += 1
    recovered = alarm.recovered_at is not None
    if (
        alarm.state == AlarmState.ACKNOWLEDGED
        and age >= step.dispose_after
        and (recovered or age >= step.dispose_after + UNRECOVERED_GRACE)
    ):
        services.alarm_dispose(
            by=user,
            alarm_id=alarm.pk,
            expected_version=alarm.version,
            cause=step.cause,
            note=step.note,
        )
        done.disposed += 1
    return done


def duty_round(*, now: datetime, seed: int, device_ids: Collection[int]) -> Handled:
    """One look at the open alarms of ``device_ids``: each whose 确认 or 处置 is due by
    ``now`` is acknowledged / disposed by its enterprise's duty person, through the
    services. An alarm changed meanwhile by someone else (a conflict) or no longer theirs
    is skipped."""
    handled = Handled()
    alarms = list(
        Alarm.objects.open()
        .filter(device_id__in=device_ids, raised_at__lte=now)
        .select_related("device__device_type", "metric")
        .order_by("raised_at", "id")
    )
    staff = duty_staff({alarm.enterprise_id for alarm in alarms})
    for alarm in alarms:
        users = staff.get(alarm.enterprise_id)
        if not users:
            continue
        step = plan(alarm, seed)
        user = users[step.pick % len(users)]
        age = (now - alarm.raised_at).total_seconds()
        try:
            with set_actor(user):
                done = _act(alarm, step, user, age)
        except (Conflict, NotPermitted, Alarm.DoesNotExist):
            continue  # handled by someone else meanwhile, or no longer the duty person's
        handled.acknowledged += done.acknowledged
        handled.disposed += done.disposed
    return handled


class DutyDesk:
    """The simulator's duty persons, called by the runner with the time every so often
    (``Runner(duty=…)``); a database error ends the round, the next round tries again."""

    def __init__(self, *, seed: int, device_ids: Collection[int], out=print):
        self.seed, self.device_ids, self.out = seed, list(device_ids), out

    def __call__(self, t: float) -> Handled:
        if not connection.in_atomic_block:  # (never inside a caller's transaction: tests)
            close_old_connections()  # a connection broken since the last round is replaced
        now = datetime.fromtimestamp(t, tz=timezone.get_current_timezone())
        try:
            return duty_round(now=now, seed=self.seed, device_ids=self.device_ids)
        except DatabaseError as error:
            logger.warning("duty round failed: %s", error)
            self.out(f"值班模拟：数据库暂不可用，下一轮再试（{error}）")
            return Handled()
