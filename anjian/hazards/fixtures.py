"""Demo hazards at every lifecycle state, built through the services so each has a real history.

Every hazard is reported and walked to its state with the same calls a person's clicks
make (photos, 五落实, acceptance …). Then the whole record — its timestamps, deadline,
timeline and photos — is moved back in time by one offset per hazard, so that the demo
shows months of history, overdue hazards and revisits; order and intervals inside a
record stay as they happened. The clearing tally is rebuilt from the ledger afterwards.
"""

import random
from datetime import timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from PIL import Image, ImageDraw

from anjian.enterprises.choices import KEY_FLAGS
from anjian.hazards import services, tally
from anjian.hazards.choices import Grade, ListingLevel, RevisitResult, Source, State
from anjian.hazards.library.selectors import clauses_for_enterprise, suggest_clauses
from anjian.hazards.models import (
    Hazard,
    HazardPhoto,
    HazardTransition,
    Revisit,
    StandardClause,
    SystemMeasure,
)
from anjian.regions.levels import district_of
from anjian.regions.models import Industry, Region

# (title, description, location, where it fits): industry codes or key flags of the unit
# (``enterprises.choices.KEY_FLAGS``); None fits every unit. A hazard is only drawn from
# the templates that fit its unit — no scaffolding at a school, no tank farm at a clinic.
INDUSTRIAL = frozenset(
    {
        "hazchem",
        "fireworks",
        "metallurgy",
        "nonferrous",
        "building_materials",
        "machinery",
        "light_industry",
        "textile",
        "tobacco",
        "special_equipment",
        "hazardous_waste",
    }
)
TEMPLATES = [
    ("配电箱门未关闭、线路裸露", "配电箱门敞开，内部线路绝缘层破损", "配电间", None),
    ("消防通道堆放杂物", "消防通道内堆放纸箱、托盘，影响疏散", "一楼消防通道", None),
    ("灭火器过期未检", "灭火器压力表指针在红区，检验日期已过", "一楼大厅", None),
    ("安全出口指示灯损坏", "疏散指示标志不亮，应急照明无法启动", "二楼走廊", None),
    ("电动自行车室内充电", "在楼道内为电动自行车充电", "一层楼道", None),
    ("特种作业人员无证上岗", "焊接作业人员未能出示特种作业操作证", "维修车间", INDUSTRIAL),
    (
        "有限空间未设警示标识",
        "污水井未设置有限空间警示标识，未建立台账",
        "厂区污水井",
        {"confined_space"},
    ),
    ("粉尘清扫不及时", "打磨工位积尘厚度超过规定，未按制度清扫", "打磨车间", {"dust_explosion"}),
    (
        "危化品未分区分类存放",
        "氧化剂与易燃液体混存于同一仓间",
        "危化品仓库",
        {"hazchem", "hazardous_waste", "involves_hazchem"},
    ),
    (
        "可燃气体报警器失效",
        "储罐区可燃气体检测报警器离线，未及时修复",
        "储罐区",
        {"hazchem", "gas"},
    ),
    (
        "液氨管道阀门泄漏",
        "冷库氨机房阀门填料处有氨味，未及时处置",
        "冷库氨机房",
        {"ammonia_refrigeration"},
    ),
    ("脚手架连墙件缺失", "外脚手架第5至7层连墙件缺失，立杆悬空", "3号楼外架", {"construction"}),
    ("基坑临边防护缺失", "基坑东侧临边未设防护栏杆和挡脚板", "基坑东侧", {"construction"}),
    ("塔吊限位装置失灵", "塔吊起重力矩限制器失效，仍在作业", "2号塔吊", {"construction"}),
    ("安全阀超期未校验", "蒸汽管道安全阀铅封缺失、超过校验期", "锅炉房", INDUSTRIAL),
    (
        "叉车司机无证驾驶",
        "仓库叉车司机未取得特种设备作业人员证",
        "仓库装卸区",
        {"trade_warehousing"},
    ),
    ("货架超高堆放", "货架顶层堆放高度超过限高线，未固定", "成品仓库", {"trade_warehousing"}),
    ("燃气软管老化", "后厨燃气灶具连接软管老化开裂，未安装熄火保护", "后厨", {"commerce", "gas"}),
    ("厨房油烟管道未清洗", "排油烟管道油垢较厚，超过清洗周期", "后厨", {"commerce"}),
    ("实验室危化品台账不全", "化学实验室试剂柜危化品领用台账缺失", "化学实验室", {"education"}),
    ("宿舍违规使用大功率电器", "学生宿舍内发现违规使用电热锅", "学生宿舍", {"education"}),
    ("医用氧气瓶未固定", "病区氧气瓶未设防倒链，与热源距离不足", "住院部病区", {"health"}),
    (
        "营运车辆动态监控不在线",
        "两辆危货运输车辆卫星定位终端长时间离线",
        "停车场",
        {"road_transport"},
    ),
    ("游乐设施未按期检验", "游乐设施定期检验报告过期，仍在运营", "游乐区", {"culture_tourism"}),
    ("疏散通道上锁", "营业期间疏散通道门被锁闭", "商场二层", {"crowded_place", "culture_tourism"}),
]
# (state, share) — most hazards end closed, as in a working district.
STATES = [
    (State.CLOSED, 0.62),
    (State.RECTIFYING, 0.12),
    (State.REGISTERED, 0.08),
    (State.AWAITING_ACCEPTANCE, 0.06),
    (State.REPORTED, 0.08),
    (State.VOID, 0.04),
]
SOURCES = [
    (Source.SELF_CHECK, 0.5),
    (Source.INSPECTION, 0.2),
    (Source.PATROL, 0.15),
    (Source.TIPOFF, 0.08),
    (Source.OTHER, 0.07),
]


def _photo(rng: random.Random, label: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (320, 240), tuple(rng.randrange(40, 220) for _ in range(3)))
    ImageDraw.Draw(image).text((12, 12), f"DEMO {label}", fill=(255, 255, 255))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return SimpleUploadedFile(f"{label}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _pick(rng: random.Random, weighted):
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


def _owner_contact(hazard: Hazard) -> dict:
    if hazard.place_id:
        place = hazard.place
        return {"owner_name": place.contact_name or "责任部门", "owner_phone": place.contact_phone}
    enterprise = hazard.enterprise
    return {
        "owner_name": enterprise.safety_manager_name or enterprise.principal_name,
        "owner_phone": enterprise.safety_manager_phone or enterprise.principal_phone,
    }


def _walk(by, hazard: Hazard, state: str, grade: str, rng: random.Random) -> Hazard:
    if state == State.REPORTED:
        return hazard
    if state == State.VOID:
        return services.hazard_void(
            by=by, hazard_id=hazard.pk, expected_version=None, reason="核实后不属于隐患（演示）"
        )
    if state == State.CLOSED and grade == Grade.GENERAL and rng.random() < 0.3:
        return services.hazard_close_on_spot(
            by=by,
            hazard_id=hazard.pk,
            expected_version=None,
            rectification_note="现场立即整改完毕",
            after_photos=[_photo(rng, "after")],
        )
    extra = {}
    if grade == Grade.MAJOR:
        extra = {
            "funds": rng.choice([5, 12, 30, 80]),
            "contingency_plan": "启动现场处置方案，明确应急联络人",
            "interim_measures": "设置警戒区域，停用相关设备，专人值守",
        }
    hazard = services.hazard_register(
        by=by,
        hazard_id=hazard.pk,
        expected_version=None,
        grade=grade,
        deadline=timezone.localdate() + timedelta(days=rng.choice([7, 15, 30, 60])),
        **_owner_contact(hazard),
        measures="制定整改方案，落实责任人，按期完成整改并复查",
        **extra,
    )
    if state == State.REGISTERED:
        return hazard
    hazard = services.hazard_start(by=by, hazard_id=hazard.pk, expected_version=None)
    if state == State.RECTIFYING:
        return hazard
    hazard = services.hazard_submit(
        by=by,
        hazard_id=hazard.pk,
        expected_version=None,
        rectification_note="已按整改方案完成整改",
        photos=[_photo(rng, "after")],
    )
    if state == State.AWAITING_ACCEPTANCE:
        return hazard
    return services.hazard_accept(
        by=by, hazard_id=hazard.pk, expected_version=None, acceptance_note="现场复查，整改到位"
    )


def _age(hazard: Hazard, days: int, took: int = 0, late_by: int = 0) -> None:
    """Move one hazard's whole record ``days`` into the past; it was found ``took`` days
    before it was first handled (the rectification time the figures average)."""
    if days <= 0 and took <= 0 and late_by <= 0:
        return
    shift = timedelta(days=days)
    updates = {"found_at": F("found_at") - shift - timedelta(days=took)}
    for field in ("registered_at", "submitted_at", "closed_at"):
        if getattr(hazard, field) is not None:
            updates[field] = F(field) - shift
    if hazard.deadline is not None:
        updates["deadline"] = F("deadline") - shift
    Hazard.objects.filter(pk=hazard.pk).update(**updates)
    HazardTransition.objects.filter(hazard=hazard).update(at=F("at") - shift)
    HazardPhoto.objects.filter(hazard=hazard).update(uploaded_at=F("uploaded_at") - shift)
    hazard.refresh_from_db()
    facts = {"found_month": timezone.localtime(hazard.found_at).date().replace(day=1)}
    if hazard.closed_at is not None:
        closed_day = timezone.localtime(hazard.closed_at).date()
        if late_by and hazard.deadline is not None:
            # A late close: the deadline had passed ``late_by`` days before acceptance.
            hazard.deadline = max(
                timezone.localtime(hazard.found_at).date(), closed_day - timedelta(days=late_by)
            )
            facts["deadline"] = hazard.deadline
        facts["days_to_close"] = (closed_day - timezone.localtime(hazard.found_at).date()).days
        facts["closed_on_time"] = hazard.deadline is None or closed_day <= hazard.deadline
    Hazard.objects.filter(pk=hazard.pk).update(**facts)
    Revisit.objects.filter(hazard=hazard).update(due_on=F("due_on") - shift)


def _district_name(enterprise, names: dict[str, str]) -> str:
    code = district_of(enterprise.scope_region_code)
    if code not in names:
        names[code] = Region.objects.get(code=code).name
    return names[code]


def templates_for(enterprise, industries: dict) -> list[tuple[str, str, str]]:
    """The templates that fit ``enterprise``: its industry's, its flags', and the general."""
    marks = {industries.get(enterprise.industry_id)} | {
        flag for flag in KEY_FLAGS if getattr(enterprise, flag, False)
    }
    return [
        (title, description, location)
        for title, description, location, fits in TEMPLATES
        if fits is None or marks & set(fits)
    ]


def build_demo_hazards(*, by, enterprises, count: int, seed: int = 2026, progress=None) -> int:
    """``count`` hazards spread over ``enterprises``, at every state; returns how many."""
    rng = random.Random(seed)
    enterprises = list(enterprises)
    if not enterprises or count <= 0:
        return 0
    any_clauses = StandardClause.objects.filter(is_active=True).exists()
    industries = dict(Industry.objects.values_list("id", "code"))
    names: dict[str, str] = {}
    built = 0
    for index in range(count):
        enterprise = rng.choice(enterprises)
        title, description, location = rng.choice(templates_for(enterprise, industries))
        state = _pick(rng, STATES)
        major = any_clauses and state != State.VOID and rng.random() < 0.06
        clauses = list(clauses_for_enterprise(enterprise)) if major else []
        if clauses:
            suggested = [c for c, _score in suggest_clauses(enterprise, f"{title} {description}")]
            clauses = suggested or clauses
        major = bool(clauses)
        grade = Grade.MAJOR if major else Grade.GENERAL
        source = _pick(rng, SOURCES)
        with transaction.atomic():
            hazard = services.hazard_report(
                by=by,
                enterprise=enterprise,
                source=source,
                title=title,
                description=description,
                location=location,
                photos=[_photo(rng, "found")],
                clauses=[rng.choice(clauses)] if major else (),
                flag_duplicates=index % 10 == 0,
            )
            hazard = _walk(by, hazard, state, grade, rng)
            # Open hazards are mostly recent; some are well past their deadline (overdue).
            if state in (State.CLOSED, State.VOID):
                days = rng.randrange(5, 330)
            else:
                days = rng.choice([0, 0, 1, 3, 10, 20, 45, 70])
            took = 0 if hazard.fixed_on_spot else rng.choice([1, 3, 5, 8, 12, 20])
            late = state == State.CLOSED and not hazard.fixed_on_spot and rng.random() < 0.15
            _age(hazard, days, took, late_by=rng.choice([2, 5, 9]) if late else 0)
            if major and hazard.state == State.CLOSED and rng.random() < 0.5:
                revisit = hazard.revisits.first()
                if revisit is not None:
                    services.revisit_complete(
                        by=by,
                        revisit_id=revisit.pk,
                        result=RevisitResult.SUSTAINED,
                        note="回头看：整改措施持续有效（演示）",
                    )
            if major and hazard.is_open and state != State.REPORTED and rng.random() < 0.6:
                district = _district_name(enterprise, names)
                year = timezone.localdate().year
                services.listing_create(
                    by=by,
                    hazard_id=hazard.pk,
                    level=rng.choice([ListingLevel.DISTRICT, ListingLevel.STREET]),
                    authority=f"{district}安全生产委员会办公室",
                    document_number=f"{district[0]}安委办督〔{year}〕{index + 1}号",
                    deadline=max(hazard.deadline, timezone.localdate()),
                    requirements="按期完成整改，整改期间落实临时安全措施（演示）",
                )
        built += 1
        if progress:
            progress(1)
    tally.rebuild()
    _demo_measures(by, enterprises, rng)
    return built


MEASURES = [
    ("建立配电设施每日巡检和上锁制度，街道每季度抽查", "街道安全办", "in_progress"),
    ("推行消防通道“划线定位”和每周清理登记，纳入网格巡查必查项", "区消防救援支队", "in_progress"),
    ("气瓶集中存放、防倒链配置纳入动火作业审批前置条件", "区应急管理局", "done"),
    ("对反复出现同类隐患的单位开展约谈和专项培训", "区安委办", "in_progress"),
]


def _demo_measures(by, enterprises, rng: random.Random) -> None:
    """制度措施清单: one measure per recurring problem, linked to the hazards behind it."""

    district = district_of(enterprises[0].scope_region_code)
    frequent = (
        Hazard.objects.filter(scope_region_code__startswith=district)
        .values("title")
        .annotate(n=Count("id"))
        .order_by("-n", "title")[: len(MEASURES)]
    )
    for (measure, lead_unit, state), row in zip(MEASURES, frequent, strict=False):
        if SystemMeasure.objects.filter(measure=measure).exists():
            continue
        hazards = Hazard.objects.filter(
            scope_region_code__startswith=district, title=row["title"]
        ).values_list("pk", flat=True)[:20]
        services.measure_create(
            by=by,
            data={
                "region": Region.objects.get(code=district),
                "problem": f"{row['title']}（{row['n']} 起，反复出现）",
                "measure": measure,
                "lead_unit": lead_unit,
                "partner_units": "各街道、相关行业主管部门",
                "deadline": timezone.localdate() + timedelta(days=rng.choice([30, 60, 90])),
                "state": state,
                "progress": "已印发并组织落实（演示）" if state == "done" else "",
            },
            hazards=list(hazards),
        )


# Hazards of public places (ADR 14), by the place's kind: (title, description, location).
PLACE_TEMPLATES = {
    "road": [
        ("机动车道路面塌陷", "机动车道出现约1平方米塌陷坑槽，深约20厘米，夜间无警示", "机动车道"),
        ("人行道井盖破损松动", "人行道雨水井盖破损，踩踏时晃动，存在行人坠落风险", "人行道"),
        ("道路施工围挡缺少警示灯", "占道施工围挡夜间无警示灯和反光标志，占用一条车道", "施工围挡"),
        ("交通信号灯故障", "路口东西向信号灯不亮，高峰时段车辆通行混乱", "交叉口信号灯"),
    ],
    "bridge": [
        ("天桥栏杆松动", "人行天桥东侧栏杆立柱底座锈蚀松动，推动时明显晃动", "东侧栏杆"),
        ("桥面伸缩缝破损", "桥面伸缩缝钢板翘起约3厘米，车辆通过时有撞击声", "桥面伸缩缝"),
    ],
    "facade": [
        ("外墙面砖空鼓脱落", "临街外墙面砖局部空鼓，已有碎块坠落至人行道", "临街外墙"),
        ("店招广告牌锈蚀松动", "沿街店招钢结构锈蚀，固定螺栓缺失，大风天有坠落风险", "沿街店招"),
        ("空调外机支架锈蚀", "多台空调外机支架严重锈蚀，位于人行道上方", "外墙空调机位"),
    ],
    "building": [
        ("自建房承重墙开裂", "底层承重墙出现斜向裂缝，宽约3毫米，且有发展", "一层承重墙"),
        ("自建房擅自加层", "屋顶擅自加建一层彩钢板房，增加结构荷载", "屋顶"),
        ("楼道堆放杂物堵塞疏散通道", "楼道内堆放纸箱、旧家具，堵塞疏散通道", "楼道"),
    ],
    "space": [
        ("健身器材破损", "广场健身器材连接件断裂，使用时存在夹伤、跌落风险", "健身区"),
        ("地下通道照明缺失", "地下通道照明灯具损坏过半，夜间能见度低", "通道中部"),
        ("枯死树木有倒伏风险", "绿地内一棵行道树枯死，树干倾斜，临近步行道", "绿地"),
    ],
}
PLACE_SOURCES = [
    (Source.PATROL, 50),
    (Source.INSPECTION, 20),
    (Source.TIPOFF, 20),
    (Source.OTHER, 10),
]


def build_demo_place_hazards(*, by, places, count: int, seed: int = 2026) -> int:
    """``count`` hazards of public places at every state (government found them: patrols,
    inspections, tip-offs), aged like the units' ones; returns how many."""
    rng = random.Random(seed)
    places = list(places)
    if not places or count <= 0:
        return 0
    for _index in range(count):
        place = rng.choice(places)
        title, description, location = rng.choice(
            PLACE_TEMPLATES.get(place.kind) or PLACE_TEMPLATES["space"]
        )
        state = _pick(rng, STATES)
        grade = Grade.MAJOR if state != State.VOID and rng.random() < 0.08 else Grade.GENERAL
        with transaction.atomic():
            hazard = services.hazard_report(
                by=by,
                place=place,
                source=_pick(rng, PLACE_SOURCES),
                title=title,
                description=description,
                location=location,
                photos=[_photo(rng, "found")],
                flag_duplicates=False,
            )
            hazard = _walk(by, hazard, state, grade, rng)
            if state in (State.CLOSED, State.VOID):
                days = rng.randrange(5, 200)
            else:
                days = rng.choice([0, 1, 3, 10, 20, 45])
            took = 0 if hazard.fixed_on_spot else rng.choice([1, 2, 4, 7])
            _age(hazard, days, took)
    tally.rebuild()
    return count
