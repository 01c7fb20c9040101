"""Demo 双随机一公开, built through the services, a year of it in each demo district.

For each district's 应急管理局, 建设和管理委员会 and 消防救援支队:

- an inspector pool (执法检查人员名录库) of 6–8 officials with valid 执法证 — the demo's own
  inspector account among them where given — and one whose certificate expired last
  month, so the pool page shows who is left out; two have a home street (回避 by region);
- two declared conflicts (回避), one of them withdrawn;
- three check matters (随机抽查事项清单) of the department's own industries;
- draws spread over the past year (``draw_run`` draws today; the dates are set back
  afterwards with ``update()``, ``publish_by`` kept as the working-day deadline of
  ``drawn_on``): the older ones published with most tasks' outcomes recorded by the drawn
  inspectors (``task_complete``, every ``Outcome``), a recent one published with tasks
  still open, the latest still awaiting publication; the 应急局's second draw is voided
  with its reason and redrawn (attempt 2).

Draws pick a few dozen targets at most, so this is as quick at city scale as in the
default demo. Extra officials get no usable password unless ``password`` is given. The
caller sets the audit actor (``set_actor``). Nothing is built where draws exist already.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from faker import Faker

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.accounts.services import user_create_basic
from anjian.core.exceptions import ValidationError
from anjian.core.workdays import add_working_days, is_working_day
from anjian.inspections import services
from anjian.inspections.choices import Outcome
from anjian.inspections.draw import MIN_INSPECTORS
from anjian.inspections.models import (
    CheckMatter,
    Draw,
    DrawTransition,
    InspectionTask,
    InspectionTaskTransition,
    Inspector,
)
from anjian.inspections.plans import services as plan_services
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Department, Industry, Region

SAFETY_LAW = "《中华人民共和国安全生产法》第六十五条"

# Department (name without the region) → (pool size, its matters: name, basis, industries).
DEPARTMENTS = {
    "应急管理局": (
        8,
        [
            (
                "危险化学品企业安全生产监督检查",
                f"{SAFETY_LAW}；《危险化学品安全管理条例》第六条",
                ("hazchem", "fireworks"),
            ),
            (
                "工贸企业粉尘防爆和有限空间作业检查",
                f"{SAFETY_LAW}；《工贸企业粉尘防爆安全规定》；《工贸企业有限空间作业安全规定》",
                ("machinery", "light_industry", "textile", "building_materials", "metallurgy"),
            ),
            (
                "商贸仓储企业安全生产检查",
                f"{SAFETY_LAW}；《上海市安全生产条例》",
                ("trade_warehousing", "tobacco"),
            ),
        ],
    ),
    "建设和管理委员会": (
        7,
        [
            ("建筑施工安全生产检查", "《建设工程安全生产管理条例》第四十条", ("construction",)),
            (
                "建筑起重机械和深基坑安全检查",
                "《建筑起重机械安全监督管理规定》；《危险性较大的分部分项工程安全管理规定》",
                ("construction",),
            ),
            ("燃气经营和使用安全检查", "《城镇燃气管理条例》第五条", ("gas",)),
        ],
    ),
    "消防救援支队": (
        6,
        [
            (
                "消防安全重点单位消防监督检查",
                "《中华人民共和国消防法》第五十三条",
                ("fire_key_unit",),
            ),
            (
                "人员密集场所消防安全检查",
                "《消防监督检查规定》（公安部令第120号）第十条",
                ("fire_key_unit",),
            ),
            ("高层建筑消防安全检查", "《高层民用建筑消防安全管理规定》", ("fire_key_unit",)),
        ],
    ),
}
# Days before today of each draw, oldest first (the last one awaits publication).
DRAW_AGES = (330, 240, 150, 70, 25, 5)
DRAWS_PER_DEPARTMENT = {"应急管理局": 6, "建设和管理委员会": 4, "消防救援支队": 4}
VOID_REASON = "抽取时误将限定街镇设为全区，经科室负责人同意作废，按原条件重新抽取"
OUTCOME_WEIGHTS = {
    Outcome.NO_PROBLEM: 50,
    Outcome.RECTIFY: 33,
    Outcome.PENALTY: 10,
    Outcome.NOT_FOUND: 7,
}
NOTES = {
    Outcome.NO_PROBLEM: ("", "现场检查未发现问题", "台账资料齐全"),
    Outcome.RECTIFY: (
        "安全出口堵塞，责令限期整改",
        "有限空间作业未审批，责令整改",
        "安全培训记录不全，责令限期补正",
        "消防设施未定期检测，责令整改",
    ),
    Outcome.PENALTY: ("未按规定设置安全警示标志，已立案", "特种作业人员无证上岗，已立案处罚"),
    Outcome.NOT_FOUND: ("登记地址无人经营，查无下落",),
}
CANCEL_REASON = "该单位已停产搬迁，经核实不再具备检查条件"
CONFLICT_REASONS = ("近亲属在该单位任职", "三年内曾在该单位工作", "与该单位负责人有利害关系")


@dataclass
class Built:
    inspectors: list[Inspector] = field(default_factory=list)
    matters: list[CheckMatter] = field(default_factory=list)
    draws: list[Draw] = field(default_factory=list)
    plans: list = field(default_factory=list)


def build_demo_inspections(
    *,
    by,
    district_codes: list[str],
    seed: int = 2026,
    drawers: dict[str, User] | None = None,
    members: dict[str, list[User]] | None = None,
    password: str | None = None,
    progress=None,
) -> Built:
    """The demo pools, matters and draws of each district in ``district_codes``.

    ``drawers``: department name → the account that keeps its pool and draws (``by``, an
    administrator, for the others); ``members``: department name → accounts put in its
    pool before the extra officials made here."""
    built = Built()
    if Draw.objects.exists():
        return built
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    today = timezone.localdate()
    for code in district_codes:
        district = Region.objects.get(pk=code)
        for suffix, (size, matters) in DEPARTMENTS.items():
            department = Department.objects.filter(
                region=district, name=f"{district.name}{suffix}"
            ).first()
            if department is not None:
                drawer = (drawers or {}).get(department.name, by)
                own = (members or {}).get(department.name, [])
                context = _Department(department, drawer, rng, fake, today, password)
                built.inspectors += context.pool(size, own)
                department_matters = context.matters(matters)
                built.matters += department_matters
                context.conflicts(department_matters[0])
                built.draws += context.draws(department_matters, DRAWS_PER_DEPARTMENT[suffix])
                built.plans += _plans(department, drawer, approver=by, today=today)
            if progress is not None:
                progress(1)
    return built


class _Department:
    def __init__(self, department, by, rng, fake, today, password):
        self.department, self.by, self.rng, self.fake = department, by, rng, fake
        self.today, self.password = today, password
        self.inspectors: list[Inspector] = []

    # --- the pool, conflicts and matters ---------------------------------------------------

    def pool(self, size: int, own: list[User]) -> list[Inspector]:
        department = self.department
        users = [user for user in own if not Inspector.objects.filter(user=user).exists()]
        for n in range(len(users), size + 1):  # one more than the pool: the expired one
            users.append(
                user_create_basic(
                    username=f"zf{department.pk:03d}{n:02d}",
                    name=self.fake.name(),
                    phone="",
                    role=Role.INSPECTOR,
                    password=self.password,
                    region=department.region,
                    department=department,
                    is_demo=True,
                )
            )
        streets = list(
            Region.objects.filter(parent=department.region, level=RegionLevel.STREET).order_by(
                "code"
            )
        )
        for n, user in enumerate(users):
            expired = n == len(users) - 1
            valid_until = (
                self.today - timedelta(days=30)
                if expired
                else self.today + timedelta(days=self.rng.randint(200, 1400))
            )
            homes = [self.rng.choice(streets)] if streets and n in (1, 3) else []
            inspector = services.inspector_save(
                self.by,
                data={
                    "user": user,
                    "department": department,
                    "certificate_number": f"{department.region_id}{department.pk:04d}{n + 1:04d}",
                    "certificate_valid_until": valid_until,
                    "home_regions": homes,
                },
            )
            self.inspectors.append(inspector)
        return self.inspectors

    def matters(self, specs) -> list[CheckMatter]:
        return [
            services.matter_save(
                self.by,
                data={
                    "department": self.department,
                    "name": name,
                    "basis": basis,
                    "industries": list(Industry.objects.filter(code__in=codes)),
                },
            )
            for name, basis, codes in specs
        ]

    def conflicts(self, matter: CheckMatter) -> None:
        targets = list(
            services.target_pool(self.by, department=self.department, matter=matter)
            .order_by("pk")
            .values_list("pk", flat=True)[:50]
        )
        if not targets:
            return
        for n, inspector in enumerate(self.inspectors[:2]):
            conflict = services.conflict_declare(
                self.by,
                inspector=inspector,
                enterprise=self.rng.choice(targets),
                reason=CONFLICT_REASONS[n],
            )
            if n == 1:
                services.conflict_withdraw(self.by, conflict_id=conflict.pk)

    # --- draws -----------------------------------------------------------------------------

    def draws(self, matters: list[CheckMatter], how_many: int) -> list[Draw]:
        """``how_many`` draws over the past year, the matters with targets taken in turn."""
        sizes = {
            matter: services.target_pool(self.by, department=self.department, matter=matter).count()
            for matter in matters
        }
        usable = [matter for matter in matters if sizes[matter]]
        made, titles = [], set()
        ages = DRAW_AGES[-how_many:] if usable else ()
        for k, age in enumerate(ages):
            matter = usable[k % len(usable)]
            day = _working_day_before(self.today - timedelta(days=age))
            title = f"{day.year}年{day.month}月{matter.name}"
            if title in titles:
                title += "（第二批）"
            titles.add(title)
            options = {
                "department": self.department,
                "matter": matter,
                "title": title,
                "count": min(self.rng.randint(8, 20), max(1, sizes[matter] // 2)),
                "per_target": 3 if k % 4 == 3 else 2,
                "weighted": k % 2 == 1,
            }
            if k == 1 and self.department.is_comprehensive:
                voided = self._run(options, day)
                if voided is not None:
                    services.draw_void(self.by, draw_id=voided.pk, reason=VOID_REASON)
                    self._backdate(voided, DrawTransition, "void", self._at(day, 15))
                    made.append(voided)
            drawn = self._run(options, day)
            if drawn is None:
                continue
            made.append(drawn)
            if k == len(ages) - 1:
                continue  # the latest draw awaits publication
            published = self._publish(drawn, day)
            self._outcomes(drawn, published)
        return made

    def _run(self, options: dict, day: date) -> Draw | None:
        """The draw, dated ``day``; None when three fresh seeds all drew a target that too
        few inspectors may visit (回避 and last time's inspectors, in a small pool)."""
        for _attempt in range(3):
            try:
                drawn = services.draw_run(self.by, **options)
                break
            except ValidationError:
                options = {**options, "per_target": MIN_INSPECTORS}
        else:
            return None
        at = self._at(day, 10)
        Draw.objects.filter(pk=drawn.pk).update(
            drawn_on=day,
            publish_by=add_working_days(day, settings.DRAW_PUBLISH_WORKING_DAYS),
            created_at=at,
        )
        self._backdate(drawn, DrawTransition, "draw", at)
        drawn.refresh_from_db()
        return drawn

    def _publish(self, drawn: Draw, day: date) -> date:
        published = min(add_working_days(day, self.rng.randint(1, 5)), self.today)
        services.draw_publish(self.by, draw_id=drawn.pk, version=drawn.version)
        at = self._at(published, 16)
        Draw.objects.filter(pk=drawn.pk).update(published_at=at)
        self._backdate(drawn, DrawTransition, "publish", at)
        return published

    def _outcomes(self, drawn: Draw, published: date) -> None:
        """Older draws: nearly every task inspected (now and then one cancelled, the unit
        gone); recent ones: about a third so far."""
        days_since = (self.today - published).days
        share = 0.9 if days_since > 45 else 0.35
        tasks = drawn.tasks.prefetch_related("inspectors__user").order_by("position")
        for task in tasks:
            chance = self.rng.random()
            if chance >= share:
                continue
            if chance < 0.03:
                services.task_cancel(self.by, task_id=task.pk, reason=CANCEL_REASON)
                continue
            latest = max(published, self.today - timedelta(days=1))
            day = min(published + timedelta(days=self.rng.randint(2, 40)), latest)
            outcome = self.rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()))[0]
            inspector = self.rng.choice(list(task.inspectors.all()))
            services.task_complete(
                inspector.user,
                task_id=task.pk,
                inspected_on=day,
                outcome=outcome,
                note=self.rng.choice(NOTES[outcome]),
                version=task.version,
            )
            self._backdate(task, InspectionTaskTransition, "complete", self._at(day, 17))

    @staticmethod
    def _at(day: date, hour: int) -> datetime:
        moment = timezone.make_aware(datetime.combine(day, time(hour, 0)))
        return min(moment, timezone.now())

    @staticmethod
    def _backdate(obj, record, action: str, at: datetime) -> None:
        fk = "task" if isinstance(obj, InspectionTask) else "draw"
        record.objects.filter(**{fk: obj}, action=action).update(at=at)


def _plans(department, drawer, *, approver, today: date) -> list:
    """This year's annual plan, approved (by the administrator when someone else drew it
    up; otherwise left submitted), with a few units adjusted; next year's, a draft."""
    current = plan_services.plan_propose(drawer, department=department, year=today.year)
    for entry in current.entries.filter(grade="A").order_by("enterprise_id")[:3]:
        plan_services.entry_adjust(
            drawer,
            entry_id=entry.pk,
            visits=entry.proposed_visits + 2,
            reason="上年度发现重大事故隐患，加密检查",
        )
    plan_services.plan_submit(drawer, plan_id=current.pk)
    if approver.pk != drawer.pk:
        plan_services.plan_approve(approver, plan_id=current.pk)
    upcoming = plan_services.plan_propose(drawer, department=department, year=today.year + 1)
    return [current, upcoming]


def _working_day_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day
