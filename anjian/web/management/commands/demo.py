"""anjian demo — build the synthetic demo district (杨浦区) or a city-scale registry.

anjian demo                       # 杨浦区 with ~2,000 enterprises (and a few in 虹口区)
anjian demo --enterprises 200000  # the whole city, for benchmarks
"""

import itertools
import random
from datetime import date, timedelta

from auditlog.context import set_actor
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from tqdm import tqdm

from anjian.accidents.fixtures import build_demo_accidents, flag_demo_concealment
from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.accounts.services import user_create_basic
from anjian.analytics.fixtures import build_demo_indicators
from anjian.analytics.monthly.services import report_generate
from anjian.cap.fixtures import build_demo_warnings
from anjian.core import workdays
from anjian.core.models import Notification, SiteFlag
from anjian.emergency.fixtures import build_demo_emergency
from anjian.emergency.models import OPEN_INCIDENT_STATES, Incident
from anjian.enterprises import fixtures as enterprise_fixtures
from anjian.enterprises.models import Enterprise, EnterpriseUser, PublicPlace
from anjian.enterprises.place_fixtures import build_demo_places
from anjian.enterprises.services import enterprise_bulk_create, enterprise_link_user
from anjian.hazards.fixtures import build_demo_hazards, build_demo_place_hazards
from anjian.hazards.selfcheck.fixtures import build_demo_checks
from anjian.hazards.sweeps import escalate_overdue
from anjian.hazchem.fixtures import build_demo_hazchem
from anjian.hazchem.fixtures_devices import build_demo_source_devices
from anjian.hazchem.fixtures_duties import build_demo_duties
from anjian.hazchem.models import MajorHazardSource
from anjian.inspections.fixtures import DEPARTMENTS as INSPECTION_DEPARTMENTS
from anjian.inspections.fixtures import build_demo_inspections
from anjian.inspections.onsite.fixtures import build_demo_onsite
from anjian.monitoring.fixtures import build_demo_devices
from anjian.regions import fixtures as region_fixtures
from anjian.regions import services as region_services
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Department, Region
from anjian.risks.fixtures import build_demo_risks
from anjian.specialwork.fixtures import build_demo_permits

DEFAULT_PASSWORD = "Anquan@2026"
CITY_SCALE_THRESHOLD = 20_000
BATCH = 5_000
# Who keeps each department's inspector pool and runs its draws in the demo.
DEMO_DRAWERS = {
    "yp_yjj": "杨浦区应急管理局",
    "yp_zjw": "杨浦区建设和管理委员会",
    "hk_yjj": "虹口区应急管理局",
}


class Command(BaseCommand):
    help = "生成合成演示数据：杨浦区（默认约2000家单位）或全市规模的单位库（用于性能测试）"

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=2000, help="单位数量（默认 2000）")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子，相同种子生成相同数据")
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help=f"演示账号密码（默认 {DEFAULT_PASSWORD}）"
        )
        parser.add_argument(
            "--append", action="store_true", help="数据库已有单位时仍追加生成（不重建账号）"
        )
        parser.add_argument(
            "--hazards",
            type=int,
            default=None,
            help="演示隐患数量（默认为单位数的三分之一；全市规模时为 0）",
        )
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
        parser.add_argument(
            "--if-empty", action="store_true", help="数据库已有数据时什么也不做（make run 用）"
        )

    def handle(self, *args, **options):
        count = options["enterprises"]
        if count < 0:
            raise CommandError("--enterprises 不能为负数")
        if options["if_empty"] and (Enterprise.objects.exists() or User.objects.exists()):
            self.stdout.write("数据库已有数据，跳过演示数据生成。")
            return
        if Enterprise.objects.exists() and not options["append"]:
            raise CommandError(
                "数据库中已有单位数据；演示数据只在空库中生成。"
                "追加请加 --append，重建请先删除数据库。"
            )
        root = settings.REGION_ROOT
        if not region_fixtures.DEMO_DISTRICT.startswith(root):
            raise CommandError(f"演示区（杨浦区 310110）不在 ANJIAN_REGION_ROOT={root} 之下")
        self.stdout.write("载入行政区划（GB/T 2260 数据包）…")
        region_services.regions_load(root=root)
        region_services.regions_load_boundaries(root=root)
        city_scale = count >= CITY_SCALE_THRESHOLD
        district_codes = self._districts(city_scale)
        admin = self._admin(options["password"])
        self._calendar()
        with set_actor(admin):
            for code in district_codes:
                district = Region.objects.get(code=code)
                region_services.departments_seed(region=district)
                region_fixtures.place_street_labels(
                    district, enterprise_fixtures.random.Random(code)
                )
            region_fixtures.add_demo_grids(
                Region.objects.get(code=region_fixtures.DEMO_DISTRICT), by=admin
            )
            self._enterprises(admin, district_codes, count, options)
            self._risks(admin, city_scale, options)
            accounts = self._users(options["password"]) if not options["append"] else []
            self._hazchem(city_scale, options)
            self._devices(admin, city_scale, options)
            self._hazchem_work(admin, city_scale, options)
            self._hazards(admin, count, city_scale, options)
            self._inspections(admin, options)
            self._accidents(city_scale, options)
            self._emergency(admin, city_scale, options)
            self._indicators(admin, city_scale, options)
        if not options["append"]:
            self._warnings()
        SiteFlag.objects.update_or_create(
            key=SiteFlag.DEMO_DATA,
            defaults={
                "value": {
                    "built_at": timezone.now().isoformat(),
                    "enterprises": Enterprise.objects.count(),
                    "district": region_fixtures.DEMO_DISTRICT,
                    "seed": options["seed"],
                }
            },
        )
        self._print_accounts(accounts, options["password"])

    def _calendar(self) -> None:
        """Deadlines counted from today reach into next year, which chinese-calendar may not
        carry yet; a real deployment's administrator enters the State Council's schedule
        (工作日历). The demo enters the missing years as plain Monday–Friday, marked as
        demo data on that page."""
        today = timezone.localdate()
        for year in (today.year, today.year + 1):
            if not workdays.covers(date(year, 1, 1)):
                workdays.enter_year(
                    year, source="演示数据：未录入国务院公布的安排，按周一至周五计", synthetic=True
                )
                self.stdout.write(f"工作日历：{year}年按周一至周五计（演示）")

    def _districts(self, city_scale: bool) -> list[str]:
        if city_scale:
            return list(
                Region.objects.filter(
                    level=RegionLevel.DISTRICT,
                    code__startswith=settings.REGION_ROOT,
                    boundary__isnull=False,
                ).values_list("code", flat=True)
            )
        return [region_fixtures.DEMO_DISTRICT, region_fixtures.NEIGHBOUR_DISTRICT]

    def _admin(self, password: str) -> User:
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = User.objects.create_superuser(
                "admin", password=password, name="系统管理员", is_demo=True
            )
        return admin

    def _enterprises(self, admin, district_codes, count, options):
        if count == 0:
            return
        places = enterprise_fixtures.load_places(district_codes)
        if len(district_codes) == 2:
            weights = [0.95, 0.05]  # the demo district, and a few in its neighbour
        else:
            weights = [
                1.0 + 0.5 * (p.district.code == region_fixtures.DEMO_DISTRICT) for p in places
            ]
        rows = enterprise_fixtures.generate(
            by=admin, places=places, weights=weights, count=count, seed=options["seed"]
        )
        with tqdm(total=count, desc="生成单位", unit="家", disable=options["no_progress"]) as bar:
            while batch := list(itertools.islice(rows, BATCH)):
                with transaction.atomic():
                    enterprise_bulk_create(by=admin, enterprises=batch)
                bar.update(len(batch))

    def _risks(self, admin, city_scale: bool, options) -> None:
        """2–6 assessed risk points with measures for every enterprise (not at city scale)."""
        if city_scale:
            return
        enterprises = Enterprise.objects.filter(risk_points__isnull=True).order_by("pk")
        with tqdm(
            total=enterprises.count(), desc="生成风险点", unit="家", disable=options["no_progress"]
        ) as bar:
            build_demo_risks(
                by=admin,
                enterprises=list(enterprises),
                rng=random.Random(options["seed"]),
                progress=bar.update,
            )

    def _hazards(self, admin, count: int, city_scale: bool, options) -> None:
        wanted = options["hazards"]
        if wanted is None:
            wanted = 0 if city_scale else count // 3
        if wanted <= 0:
            return
        # The demo district gets most; its neighbour its own share (its officials see a
        # working ledger too, and never the demo district's).
        shares = [
            (region_fixtures.DEMO_DISTRICT, wanted),
            (region_fixtures.NEIGHBOUR_DISTRICT, wanted // 4),
        ]
        with tqdm(
            total=sum(n for _, n in shares),
            desc="生成隐患",
            unit="条",
            disable=options["no_progress"],
        ) as bar:
            for offset, (district, share) in enumerate(shares):
                enterprises = Enterprise.objects.filter(
                    scope_region_code__startswith=district, status="operating"
                ).select_related("street")
                build_demo_hazards(
                    by=admin,
                    enterprises=enterprises,
                    count=share,
                    seed=options["seed"] + 100 * offset,
                    progress=bar.update,
                )
        # Public places (roads, facades, self-built houses …) and their hazards (ADR 14).
        build_demo_places(by=admin, district_codes=[d for d, _n in shares], seed=options["seed"])
        for offset, (district, share) in enumerate(shares):
            build_demo_place_hazards(
                by=admin,
                places=PublicPlace.objects.filter(scope_region_code__startswith=district),
                count=max(share // 12, 4),
                seed=options["seed"] + 7 + offset,
            )
        own = EnterpriseUser.objects.filter(user__username="qy_manager").first()
        if own is not None:
            # The demo enterprise manager's own company: one hazard at every state.
            build_demo_hazards(
                by=admin, enterprises=[own.enterprise], count=12, seed=options["seed"] + 1
            )
            with set_actor(own.user):
                build_demo_checks(user=own.user, enterprise=own.enterprise)
        escalate_overdue()

    def _inspections(self, admin, options) -> None:
        """双随机一公开 in the demo district and its neighbour (the same at city scale: each
        draw picks a few dozen targets): pools, matters and a year of draws."""
        districts = [region_fixtures.DEMO_DISTRICT, region_fixtures.NEIGHBOUR_DISTRICT]
        users = {u.username: u for u in User.objects.filter(username__in=DEMO_DRAWERS)}
        drawers = {
            department: users[username]
            for username, department in DEMO_DRAWERS.items()
            if username in users
        }
        inspector = User.objects.filter(username="yp_inspector").first()
        members = {"杨浦区应急管理局": [inspector]} if inspector is not None else {}
        with tqdm(
            total=len(districts) * len(INSPECTION_DEPARTMENTS),
            desc="生成双随机抽查",
            unit="个部门",
            disable=options["no_progress"],
        ) as bar:
            build_demo_inspections(
                by=admin,
                district_codes=districts,
                seed=options["seed"],
                drawers=drawers,
                members=members,
                progress=bar.update,
            )
        departments = Department.objects.filter(region_id__in=districts).count()
        with tqdm(
            total=departments,
            desc="生成现场检查与处罚案件",
            unit="个部门",
            disable=options["no_progress"],
        ) as bar:
            build_demo_onsite(
                by=admin,
                district_codes=districts,
                seed=options["seed"],
                filers=drawers,
                keep_for=inspector,
                progress=bar.update,
            )

    def _accidents(self, city_scale: bool, options) -> None:
        """Three years of accidents in the demo district (and fewer next door), filed by each
        district's 应急局 through the services; not at city scale."""
        if city_scale:
            return
        reporters = {
            region_fixtures.DEMO_DISTRICT: ("yp_yjj", 1.0),
            region_fixtures.NEIGHBOUR_DISTRICT: ("hk_yjj", 0.4),
        }
        with tqdm(
            total=len(reporters), desc="生成事故记录", unit="个区", disable=options["no_progress"]
        ) as bar:
            for code, (username, scale) in reporters.items():
                reporter = User.objects.filter(username=username).first()
                if reporter is None:
                    continue
                district = Region.objects.get(code=code)
                build_demo_accidents(district=district, by=reporter, scale=scale)
                if scale >= 1:
                    flag_demo_concealment(district=district, by=reporter)
                bar.update()

    def _emergency(self, admin, city_scale: bool, options) -> None:
        """应急准备与处置 in the demo district (a little next door): plans at every filing
        state, a year of drills, teams, stores and shelters, two closed incidents and one
        being responded to — entered by the district's 应急局 and its units (after the
        accidents, which an incident may come from, and the devices, whose duty accounts
        write their units' plans); not at city scale."""
        if city_scale:
            return
        names = ("yp_yjj", "yp_zjw", "hk_yjj", "qy_manager")
        users = {user.username: user for user in User.objects.filter(username__in=names)}
        if "yp_yjj" not in users:
            return
        started = timezone.now()
        with tqdm(
            total=4,
            desc="生成应急预案、演练、资源与突发事件",
            unit="部分",
            disable=options["no_progress"],
        ) as bar:
            build_demo_emergency(
                district=Region.objects.get(code=region_fixtures.DEMO_DISTRICT),
                official=users["yp_yjj"],
                city=admin,
                department_official=users.get("yp_zjw"),
                unit_user=users.get("qy_manager"),
                neighbour=Region.objects.get(code=region_fixtures.NEIGHBOUR_DISTRICT),
                neighbour_official=users.get("hk_yjj"),
                progress=bar.update,
            )
        # The services told people about each step of the demo's past (plans filed years
        # ago, incidents long closed) as it was built: those notices are read already; the
        # open incident's stay unread for the walk-through.
        walk_through = [
            incident.get_absolute_url()
            for incident in Incident.objects.filter(state__in=OPEN_INCIDENT_STATES)
        ]
        Notification.objects.filter(created_at__gte=started).exclude(url__in=walk_through).update(
            read_at=timezone.now()
        )

    def _hazchem(self, city_scale: bool, options) -> None:
        """危化品单元 and their inventories for the demo district's chemical, gas and 涉氨制冷
        enterprises, entered by their accounts or the district's 应急局 (after the accounts,
        before the devices); thirteen are major hazard sources of every grade, graded by the
        engine. Not at city scale."""
        official = User.objects.filter(username="yp_yjj").first()
        if city_scale or official is None:
            return
        with tqdm(
            desc="生成危化品单元与重大危险源", unit="家", disable=options["no_progress"]
        ) as bar:
            built = build_demo_hazchem(
                district=Region.objects.get(code=region_fixtures.DEMO_DISTRICT),
                official=official,
                seed=options["seed"],
                progress=bar.update,
            )
        build_demo_duties(sources=built.sources, official=official, seed=options["seed"])

    def _hazchem_work(self, admin, city_scale: bool, options) -> None:
        """The demo district's major hazard sources' devices (after the monitoring devices:
        covered, offline, missing a metric, none) and special-work permits at every state
        on its chemical enterprises. Not at city scale."""
        official = User.objects.filter(username="yp_yjj").first()
        if city_scale or official is None:
            return
        district = Region.objects.get(code=region_fixtures.DEMO_DISTRICT)
        sources = MajorHazardSource.objects.filter(
            scope_region_code__startswith=district.code
        ).exclude(state="closed")
        build_demo_source_devices(by=official, sources=sources, seed=options["seed"])
        with tqdm(desc="生成特殊作业票", unit="张", disable=options["no_progress"]) as bar:
            build_demo_permits(district=district, admin=admin, progress=bar.update)

    def _indicators(self, admin, city_scale: bool, options) -> None:
        """Denominators and the plans' targets (city and demo district), then the demo
        district's 区情月报 of the last two complete months, generated as its 应急局 would."""
        district = Region.objects.get(code=region_fixtures.DEMO_DISTRICT)
        # the city's plan sits on 上海市 (31), the region the pickers offer for the city
        city = Region.objects.get(code=region_fixtures.DEMO_DISTRICT[:2])
        build_demo_indicators(by=admin, district=district, city=city)
        if city_scale:
            return
        reporter = User.objects.filter(username="yp_yjj").first() or admin
        first_of_month = timezone.localdate().replace(day=1)
        last_month = first_of_month - timedelta(days=1)
        months = [(last_month - timedelta(days=last_month.day)).replace(day=1), last_month]
        for month in tqdm(months, desc="生成区情月报", unit="份", disable=options["no_progress"]):
            report_generate(region=district, month=month.strftime("%Y-%m"), by=reporter)

    def _devices(self, admin, city_scale: bool, options) -> None:
        """Monitoring devices with thresholds (~250 for the default demo; not at city scale)."""
        if city_scale:
            return
        operating = Enterprise.objects.filter(status="operating").order_by("pk")
        demo = operating.filter(scope_region_code__startswith=region_fixtures.DEMO_DISTRICT)
        neighbour = operating.filter(
            scope_region_code__startswith=region_fixtures.NEIGHBOUR_DISTRICT
        ).values("pk")[:80]  # the neighbour district's own devices, fewer
        enterprises = operating.filter(Q(pk__in=demo.values("pk")) | Q(pk__in=neighbour))
        with tqdm(
            total=enterprises.count(),
            desc="生成监测设备",
            unit="家",
            disable=options["no_progress"],
        ) as bar:
            build_demo_devices(
                by=admin,
                enterprises=enterprises,
                rng=random.Random(options["seed"]),
                progress=bar.update,
            )

    def _warnings(self) -> None:
        """Public early warnings (CAP): one published, one awaiting approval, one cancelled."""
        composer = User.objects.filter(username="yp_yjj").first()
        approver = User.objects.filter(username="yp_leader").first()
        if composer is None or approver is None:
            return
        with set_actor(composer):
            build_demo_warnings(
                by_composer=composer,
                by_approver=approver,
                region=Region.objects.get(code=region_fixtures.DEMO_DISTRICT),
            )
        # The neighbour district's own warnings: drafted by its 应急局, signed by the city's
        # administrator (the district has no leader account in the demo).
        neighbour_composer = User.objects.filter(username="hk_yjj").first()
        city_approver = User.objects.filter(username="admin").first()
        if neighbour_composer is not None and city_approver is not None:
            with set_actor(neighbour_composer):
                build_demo_warnings(
                    by_composer=neighbour_composer,
                    by_approver=city_approver,
                    region=Region.objects.get(code=region_fixtures.NEIGHBOUR_DISTRICT),
                )

    def _users(self, password: str) -> list[tuple[str, str, str]]:
        district = Region.objects.get(code=region_fixtures.DEMO_DISTRICT)
        neighbour = Region.objects.get(code=region_fixtures.NEIGHBOUR_DISTRICT)
        yinhang = Region.objects.get(parent=district, name="殷行街道")
        grid = yinhang.children.filter(level=RegionLevel.GRID).order_by("code").first()
        emergency = Department.objects.get(region=district, name=f"{district.name}应急管理局")
        housing = Department.objects.get(region=district, name=f"{district.name}建设和管理委员会")
        neighbour_emergency = Department.objects.get(
            region=neighbour, name=f"{neighbour.name}应急管理局"
        )
        specs = [
            ("yp_yjj", "王建国", Role.SUPERVISOR, district, emergency, "杨浦区应急局（综合监管）"),
            (
                "yp_zjw",
                "李明",
                Role.DEPARTMENT,
                district,
                housing,
                "杨浦区建管委（建筑施工、燃气、房屋建筑、市政设施）",
            ),
            ("yp_street", "陈静", Role.STREET, yinhang, None, "殷行街道安全办"),
            ("yp_grid", "刘洋", Role.STREET, grid, None, f"殷行街道{grid.name}网格员"),
            ("yp_inspector", "赵磊", Role.INSPECTOR, district, emergency, "杨浦区应急局执法人员"),
            ("yp_leader", "孙伟", Role.LEADER, district, None, "杨浦区分管领导"),
            (
                "hk_yjj",
                "周敏",
                Role.SUPERVISOR,
                neighbour,
                neighbour_emergency,
                "虹口区应急局（相邻区）",
            ),
            ("expert", "吴涛", Role.EXPERT, None, None, "安全生产专家"),
        ]
        accounts = [("admin", "系统管理员", "全部数据、用户与部门管理")]
        for username, name, role, region, department, note in specs:
            if not User.objects.filter(username=username).exists():
                user_create_basic(
                    username=username,
                    name=name,
                    phone="",
                    role=role,
                    password=password,
                    region=region,
                    department=department,
                    is_demo=True,
                )
            accounts.append((username, name, note))
        enterprise = (
            Enterprise.objects.filter(
                street=yinhang, industry__code="hazchem", status="operating"
            ).first()
            or Enterprise.objects.filter(street__parent=district).order_by("pk").first()
        )
        if (
            enterprise is not None
            and not EnterpriseUser.objects.filter(user__username="qy_manager").exists()
        ):
            manager = user_create_basic(
                username="qy_manager",
                name=enterprise.safety_manager_name or "安全员",
                phone="",
                role=Role.ENTERPRISE,
                password=password,
                is_demo=True,
            )
            admin = User.objects.get(username="admin")
            enterprise_link_user(
                by=admin, enterprise=enterprise, user=manager, position="safety_manager"
            )
            accounts.append(("qy_manager", manager.name, f"企业安全管理人员：{enterprise.name}"))
        return accounts

    def _print_accounts(self, accounts, password: str) -> None:
        total = Enterprise.objects.count()
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成：{total} 家单位（合成数据）"))
        if not accounts:
            return
        self.stdout.write(f"演示账号（仅用于演示环境，密码均为 {password}）：")
        for username, name, note in accounts:
            self.stdout.write(f"  {username:<14} {name:<6} {note}")
