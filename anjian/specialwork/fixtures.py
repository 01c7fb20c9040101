"""Demo 特殊作业票 (synthetic), entered through the services as the demo district's chemical
enterprises would have entered them — by the enterprise's own account where it has one
(``qy_manager`` in the demo), otherwise by the system administrator acting for it — on the
real clock: each step is told the moment it happened (``now=``), so the history lies in the
past and the permits open now are open now. Grades are computed, never typed.

- ``SCENARIOS``: one permit at every state (申请, 待审批, 已批准, 作业中, 暂停, 已完成关闭,
  已作废, 已过期, and one sent back by its approver) of every kind, on the first enterprise of
  the pool (the one with an account first), placed on its 危化品单元 and 重大危险源 where it
  has them;
- ``OPEN``: the open ones again (a 特级动火 at work among them) on the next enterprises of
  the pool, so the officials' map has several points;
- the roles of table B.1 mapped to people of the first enterprise (B.1 note 1);
- the permits whose validity has passed are expired by the sweep, as the scheduler would.

``build_demo_permits`` leaves a district that already has permits alone.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anjian.enterprises.models import Enterprise, EnterpriseUser
from anjian.specialwork import gates, services, services_records, sweeps
from anjian.specialwork.choices import ApproverRole, State
from anjian.specialwork.models import Permit

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
PEOPLE = {
    ApproverRole.LEADER: "分管安全副总经理 陈建国",
    ApproverRole.SAFETY: "安全环保部 周敏",
    ApproverRole.BASE_UNIT: "生产车间主任 刘强",
    ApproverRole.SPECIALTY: "设备动力部 吴涛",
    ApproverRole.PLANT_HEAD: "总工程师 孙伟",
    ApproverRole.POWER_UNIT: "电气车间 郑磊",
    ApproverRole.INVOLVED: "工艺、设备、消防、安全相关单位（会签）",
    ApproverRole.FIRE_SAFETY: "消防队、安全环保部（会签）",
}
WORKERS = (["张伟", "王磊"], ["李强", "赵军", "钱勇"], ["孙浩", "周杰"])
GUARDIANS = ("王建华", "李红梅", "陈立新")


@dataclass(frozen=True)
class Scenario:
    """A permit to enter: its kind and facts, when it starts (``start`` before now, or after
    with a negative value), for how long, and the state it is brought to."""

    state: str
    kind: str
    facts: dict
    place: str
    content: str
    start: timedelta
    hours: float
    sent_back: bool = False  # signed "不同意": back to the draft


SCENARIOS = (
    Scenario(
        State.WORKING,
        "hot",
        {"hot_place": "running_plant"},
        "合成装置原料管线",
        "带压不置换开孔（特级动火），全程视频监控，连续气体监测",
        HOUR,
        6,
    ),
    Scenario(
        State.APPROVED,
        "hot",
        {"hot_place": "pipe_rack"},
        "二号管廊支架",
        "管廊支架补焊",
        -HOUR,
        4,
    ),
    Scenario(State.PAUSED, "confined", {}, "T-101储罐", "储罐内浮盘密封更换", 2 * HOUR, 8),
    Scenario(
        State.WORKING,
        "height",
        {"height_m": "18", "height_hazards": ["wind"]},
        "精馏塔第三层平台",
        "塔顶安全阀检修",
        HOUR,
        8,
    ),
    Scenario(
        State.PENDING,
        "lifting",
        {"load_t": "120"},
        "二号装置区",
        "反应釜整体吊装就位",
        -20 * HOUR,
        6,
    ),
    Scenario(
        State.DRAFT, "power", {"hazard_area": True}, "罐区泵房", "检修临时照明接电", -4 * HOUR, 48
    ),
    Scenario(State.DRAFT, "confined", {}, "污水池", "污水池清淤", -3 * HOUR, 6, sent_back=True),
    Scenario(State.CLOSED, "digging", {}, "厂区东侧道路", "消防管线维修开挖", 30 * HOUR, 8),
    Scenario(State.CANCELLED, "road", {}, "厂区南门道路", "管线施工断路", 26 * HOUR, 10),
    Scenario(State.CLOSED, "blinding", {}, "原料罐区进料线", "进料线加盲板", 50 * HOUR, 3),
    Scenario(
        State.EXPIRED, "hot", {"hot_place": "other"}, "机修车间外", "设备支架切割", 28 * HOUR, 6
    ),
    Scenario(
        State.CLOSED,
        "hot",
        {"hot_place": "hazard_area"},
        "甲类仓库外墙",
        "雨棚修补焊接",
        74 * HOUR,
        5,
    ),
)
OPEN = tuple(s for s in SCENARIOS if s.state in (State.WORKING, State.APPROVED, State.PAUSED))
OTHERS = 8  # further enterprises of the pool that get the open scenarios


@dataclass
class Built:
    permits: list = field(default_factory=list)
    expired: int = 0


def build_demo_permits(*, district, admin, progress=None) -> Built:
    """Permits of ``district``'s chemical enterprises (see the module docstring);
    ``progress()`` is called after each permit."""
    if Permit.objects.filter(scope_region_code__startswith=district.code).exists():
        return Built()
    tick = progress or (lambda: None)
    pool = _pool(district)
    if not pool:
        return Built()
    keepers = _keepers(pool)
    now = timezone.now().replace(second=0, microsecond=0)
    built = Built()
    with transaction.atomic():
        first = pool[0]
        _map_roles(keepers.get(first.pk, admin), first)
        for index, scenario in enumerate(SCENARIOS):
            by = keepers.get(first.pk, admin)
            built.permits.append(_enter(by, first, scenario, index, now))
            tick()
        for index, enterprise in enumerate(pool[1 : OTHERS + 1]):
            scenario = OPEN[index % len(OPEN)]
            by = keepers.get(enterprise.pk, admin)
            built.permits.append(_enter(by, enterprise, scenario, index + 1, now))
            tick()
        built.expired = sweeps.expire_permits(now=timezone.now())
    return built


def _pool(district) -> list[Enterprise]:
    """The district's operating 危化 and 燃气 enterprises, those with an account first."""
    found = Enterprise.objects.filter(
        Q(industry__code__in=("hazchem", "gas")),
        scope_region_code__startswith=district.code,
        status="operating",
    ).order_by("pk")
    linked = set(
        EnterpriseUser.objects.filter(enterprise__in=found).values_list("enterprise_id", flat=True)
    )
    return sorted(found, key=lambda e: (e.pk not in linked, e.pk))


def _keepers(pool: list[Enterprise]) -> dict[int, object]:
    links = EnterpriseUser.objects.filter(enterprise__in=pool, user__is_active=True)
    keepers: dict[int, object] = {}
    for link in links.select_related("user").order_by("pk"):
        keepers.setdefault(link.enterprise_id, link.user)
    return keepers


def _map_roles(by, enterprise) -> None:
    for role, person in PEOPLE.items():
        services_records.approver_set(by, enterprise_id=enterprise.pk, role=role, person=person)


def _where(enterprise) -> dict:
    """The enterprise's first 危化品单元 in use (and its source) as the place, if any."""
    units = Permit._meta.get_field("unit").related_model.objects
    unit = units.filter(enterprise_id=enterprise.pk, active=True).order_by("pk").first()
    if unit is None:
        return {}
    sources = Permit._meta.get_field("source").related_model.objects
    source = sources.filter(unit_id=unit.pk).first()
    return {"unit": unit.pk, "source": source.pk if source else None}


def _enter(by, enterprise, scenario: Scenario, index: int, now: datetime) -> Permit:
    """The scenario's permit, taken through the steps to its state, each at its moment."""
    start = now - scenario.start
    applied = min(start, now) - 2 * HOUR
    data = {
        "kind": scenario.kind,
        **scenario.facts,
        **_where(enterprise),
        "place": scenario.place,
        "content": scenario.content,
        "planned_start": start,
        "planned_end": start + timedelta(hours=scenario.hours),
        "guardian": GUARDIANS[index % len(GUARDIANS)],
        "workers": WORKERS[index % len(WORKERS)],
    }
    if enterprise.pk != getattr(by.scope, "enterprise_id", None):
        data["enterprise"] = enterprise.pk
    permit = services.permit_create(by, data=data, now=applied)
    if scenario.state == State.DRAFT and not scenario.sent_back:
        return permit
    _step(services.permit_submit, by, permit, applied + 10 * MINUTE)
    if scenario.sent_back:
        _sign(by, permit, applied + 30 * MINUTE, agreed=False)
        return Permit.objects.get(pk=permit.pk)
    if scenario.state == State.PENDING:
        return Permit.objects.get(pk=permit.pk)
    if scenario.state == State.CANCELLED:
        return _step(
            services.permit_cancel, by, permit, applied + HOUR, reason="施工单位变更，另行办理"
        )
    _sign(by, permit, applied + 30 * MINUTE)
    if scenario.state in (State.APPROVED, State.EXPIRED):
        return Permit.objects.get(pk=permit.pk)
    _sample(by, permit, start - 5 * MINUTE)
    _step(services.permit_start, by, permit, start)
    if scenario.kind == "hot" and start + 30 * MINUTE < now:
        note = "连续检测：可燃气体 0.1 %，正常"
        services.progress_record(by, permit_id=permit.pk, note=note, now=start + 30 * MINUTE)
    if scenario.state == State.PAUSED:
        return _step(services.permit_pause, by, permit, now - 20 * MINUTE, reason="交接班")
    if scenario.state == State.CLOSED:
        return _step(
            services.permit_close,
            by,
            permit,
            start + timedelta(hours=scenario.hours) - HOUR,
            note="完工，现场已清理",
        )
    return Permit.objects.get(pk=permit.pk)


def _step(call, by, permit: Permit, at: datetime, **values) -> Permit:
    permit.refresh_from_db()
    return call(by, permit_id=permit.pk, expected_version=permit.version, now=at, **values)


def _sign(by, permit: Permit, at: datetime, *, agreed: bool = True) -> None:
    permit.refresh_from_db()
    for step in gates.missing_steps(permit):
        permit.refresh_from_db()
        services_records.approval_record(
            by,
            permit_id=permit.pk,
            expected_version=permit.version,
            data={
                "stage": step.stage,
                "role": step.role,
                "person": PEOPLE[step.role],
                "agreed": agreed,
                "opinion": "现场确认安全措施已落实，同意作业"
                if agreed
                else "隔离措施不到位，请整改后重新申请",
            },
            now=at,
        )
        if not agreed:
            return


def _sample(by, permit: Permit, at: datetime) -> None:
    """A passing sample for the kinds that need one (confined space: O₂ too)."""
    if not gates.analysis_required(permit):
        return
    services_records.analysis_record(
        by,
        permit_id=permit.pk,
        data={
            "taken_at": at,
            "point": "作业点10 m内" if permit.kind == "hot" else "罐内上、中、下部",
            "lel_percent": "5",
            "flammable_percent": "0.1",
            "oxygen_percent": "20.8",
            "analyst": "化验室 马丽",
        },
        now=at,
    )
