"""Demo on-site inspections and penalty cases, built through the services.

For each demo district's departments with an inspector pool: planned inspections of units
in this year's approved plan and inspections of open drawn tasks, each worked through its
checklist by two officials — about a third find problems (a photo each, the unit's
signature), which become hazards in the ledger with the ordered deadline, and the
现场检查记录 / 责令限期整改指令书 are issued. The dates are set back over the past months
afterwards (the 执法全过程记录 keeps the time it was really written). Two inspections of the
demo 执法人员 (``yp_inspector``) are left open, one half-done, for the walk-through; some
drawn tasks stay untouched for them to start.

The comprehensive department's inspections with findings open cases at every state: just
filed, under investigation, in 法制审核, reviewed, notified, decided, executed, closed,
transferred to the police (行刑衔接) and dropped.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from anjian.accounts.models import User
from anjian.inspections.cases import services as case_services
from anjian.inspections.choices import TaskState
from anjian.inspections.models import (
    DiscretionRule,
    Inspection,
    InspectionTask,
    Inspector,
    PlanEntry,
)
from anjian.inspections.onsite import findings, selectors, services
from anjian.inspections.plan_models import PlanState
from anjian.inspections.record_models import InspectionKind, InspectionState
from anjian.regions.models import Department

FINDING_SHARE = 0.4
REINSPECTED = 3
REINSPECTION_NOTES = ("现场核实已按要求整改", "已提交整改报告及照片", "整改尚未完成，已督促")
PER_DEPARTMENT = {"应急管理局": 26, "建设和管理委员会": 8, "消防救援支队": 6}
NOTES = ("现场检查发现该问题，已当场指出", "企业现场负责人确认存在该问题", "已拍照取证")
PLACES = ("一号车间", "二号罐区", "成品仓库", "配电房", "装卸区", "办公楼二层", "地下车库")
SUMMARY = "检查组按检查表逐项检查，{n}项不符合要求，已责令限期整改。"
SUMMARY_CLEAN = "检查组按检查表逐项检查，未发现问题。"
SIGNERS = ("张建国", "李卫东", "王海燕", "赵志强", "陈立新", "刘秀英")
# The cases of the demo, one per state, in the order they are built.
CASE_PATHS = (
    (),
    ("investigate",),
    ("investigate", "submit_review"),
    ("investigate", "submit_review", "pass_review"),
    ("investigate", "notify"),
    ("investigate", "submit_review", "pass_review", "notify", "decide"),
    ("investigate", "notify", "decide", "execute"),
    ("investigate", "submit_review", "pass_review", "notify", "decide", "execute", "close"),
    ("investigate", "transfer"),
    ("investigate", "drop"),
)


@dataclass
class BuiltOnsite:
    inspections: list = field(default_factory=list)
    cases: list = field(default_factory=list)


def _photo(rng: random.Random, label: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (320, 240), tuple(rng.randint(60, 200) for _ in range(3)))
    ImageDraw.Draw(image).text((12, 12), label, fill=(255, 255, 255))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return SimpleUploadedFile(f"{label}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _signature(rng: random.Random) -> bytes:
    image = Image.new("RGB", (240, 80), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    points = [(10 + 22 * k, rng.randint(20, 60)) for k in range(10)]
    draw.line(points, fill=(20, 20, 80), width=3)
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _at(day: date, hour: int) -> datetime:
    return min(timezone.make_aware(datetime.combine(day, time(hour, 0))), timezone.now())


class _Builder:
    def __init__(self, department: Department, rng: random.Random, today: date):
        self.department, self.rng, self.today = department, rng, today
        self.pool = list(
            Inspector.objects.filter(
                department=department, certificate_valid_until__gte=today
            ).select_related("user")
        )

    def pair(self, first: Inspector | None = None) -> list[Inspector]:
        others = [i for i in self.pool if i != first]
        return ([first] if first else []) + self.rng.sample(others, 2 - (1 if first else 0))

    def targets(self, count: int, keep_for: User | None):
        """(kind, unit, task, plan entry, inspectors) — drawn tasks first, then the plan;
        the demo inspector's own tasks are left for them, except two opened below."""
        tasks = list(
            InspectionTask.objects.filter(
                department=self.department, state=TaskState.ASSIGNED, inspection__isnull=True
            )
            .exclude(inspectors__user=keep_for)
            .select_related("enterprise")
            .order_by("pk")[: count // 2]
        )
        found = [
            (InspectionKind.RANDOM, t.enterprise, t, None, list(t.inspectors.all())) for t in tasks
        ]
        entries = PlanEntry.objects.filter(
            plan__department=self.department,
            plan__year=self.today.year,
            plan__quarter=0,
            plan__state=PlanState.APPROVED,
        ).select_related("enterprise")
        for entry in entries.order_by("pk")[: count - len(found)]:
            found.append((InspectionKind.PLANNED, entry.enterprise, None, entry, self.pair()))
        return found

    def inspect(
        self,
        kind,
        unit,
        task,
        entry,
        inspectors,
        *,
        finish=True,
        marked_share=1.0,
        day=None,
        must_find=False,
    ):
        by = inspectors[0].user
        suited = selectors.checklists_for(unit)
        if not suited:
            return None
        if task is not None:
            inspection = services.inspection_from_task(by, task_id=task.pk)
        else:
            inspection = services.inspection_start(
                by,
                enterprise_id=unit.pk,
                checklist_id=suited[0].pk,
                inspector_ids=[i.pk for i in inspectors],
                kind=kind,
                plan_entry_id=entry.pk if entry else None,
                department_id=self.department.pk,
                unannounced=self.rng.random() < 0.4,
            )
        entries = selectors.bundle(by, inspection.pk)["entries"]
        picked = []
        if must_find or self.rng.random() < FINDING_SHARE:
            picked = self.rng.sample(entries, min(len(entries), self.rng.randint(1, 3)))
        failed = {e["id"] for e in picked}
        deadline = (self.today + timedelta(days=self.rng.choice((7, 15, 30)))).isoformat()
        marks = [
            {
                "entry_id": e["id"],
                "result": "fail" if e["id"] in failed else "pass",
                "note": self.rng.choice(NOTES) if e["id"] in failed else "",
                "place": self.rng.choice(PLACES) if e["id"] in failed else "",
                "deadline": deadline if e["id"] in failed else None,
            }
            for e in entries
        ]
        if not finish:
            marks = marks[: int(len(marks) * marked_share)]
            if not marks:
                return inspection
        inspection = services.inspection_mark(
            by, inspection_id=inspection.pk, expected_version=inspection.version, marks=marks
        )
        if not finish:
            return inspection
        for entry_id in failed:
            services.evidence_add(
                by,
                inspection_id=inspection.pk,
                files=[_photo(self.rng, f"{inspection.pk}-{entry_id}")],
                entry_id=entry_id,
            )
        inspection = services.inspection_sign(
            by,
            inspection_id=inspection.pk,
            expected_version=inspection.version,
            enterprise_signer=self.rng.choice(SIGNERS),
            enterprise_signature=_signature(self.rng),
            inspector_signature=_signature(self.rng),
        )
        summary = SUMMARY.format(n=len(failed)) if failed else SUMMARY_CLEAN
        inspection = findings.inspection_complete(
            by, inspection_id=inspection.pk, expected_version=inspection.version, summary=summary
        )
        day = day or self.today - timedelta(days=self.rng.randint(3, 300))
        Inspection.objects.filter(pk=inspection.pk).update(
            started_at=_at(day, 9), finished_at=_at(day, 11)
        )
        return inspection

    def reinspections(self, count: int) -> None:
        """整改复查 of the latest inspections with findings: most rectified, one not yet."""
        done = (
            Inspection.objects.filter(
                department=self.department, state=InspectionState.DONE, marks__result="fail"
            )
            .distinct()
            .order_by("-pk")[:count]
        )
        for inspection in done:
            by = inspection.inspectors.order_by("pk").first().user
            results = [
                {
                    "entry_id": mark.entry_id,
                    "rectified": self.rng.random() < 0.8,
                    "note": self.rng.choice(REINSPECTION_NOTES),
                }
                for mark in inspection.marks.filter(result="fail")
            ]
            findings.reinspect(by, inspection_id=inspection.pk, results=results)

    def cases(self, filer: User, reviewer: User) -> list:
        with_findings = list(
            Inspection.objects.filter(
                department=self.department,
                state=InspectionState.DONE,
                marks__result="fail",
            )
            .distinct()
            .order_by("pk")[: len(CASE_PATHS)]
        )
        rules = list(DiscretionRule.objects.filter(is_active=True).order_by("code", "pk"))
        made = []
        for path, inspection in zip(CASE_PATHS, with_findings, strict=False):
            handlers = list(inspection.inspectors.all())
            case = case_services.case_file(
                filer,
                enterprise_id=inspection.enterprise_id,
                title=f"{inspection.enterprise.name}涉嫌未采取措施消除事故隐患案",
                facts=_facts(inspection),
                handler_ids=[h.pk for h in handlers],
                inspection_id=inspection.pk,
                department_id=self.department.pk,
            )
            review = "submit_review" in path
            usable = [r for r in rules if review or r.fine_min < 50_000]  # 50,000: 法制审核
            rule = usable[len(made) % len(usable)] if usable else None
            for name in path:
                case.refresh_from_db()
                if name in ("submit_review", "notify") and rule and case.rule_id is None:
                    case = case_services.case_weigh(
                        filer,
                        case_id=case.pk,
                        expected_version=case.version,
                        rule_id=rule.pk,
                        fine=rule.fine_max if review else rule.fine_min,
                        complex_case=review,
                    )
                actor = reviewer if name in ("pass_review", "return_review") else filer
                case = case_services.case_transition(
                    actor,
                    case_id=case.pk,
                    name=name,
                    expected_version=case.version,
                    reason=CASE_REASONS.get(name, ""),
                    values=CASE_VALUES.get(name),
                )
            made.append(case)
        return made


CASE_REASONS = {
    "transfer": "经调查，该单位主要负责人涉嫌重大责任事故罪，依法移送公安机关",
    "drop": "违法行为轻微并及时改正，没有造成危害后果，依法不予行政处罚",
}
CASE_VALUES = {
    "pass_review": {
        "legal_review_opinion": "事实清楚，证据确凿，适用依据正确，程序合法，裁量适当，同意。"
    },
    "execute": {"execution_note": "当事人已按期缴纳罚款，缴款凭证已归档"},
    "transfer": {"transferred_to": "上海市公安局杨浦分局"},
}


def _facts(inspection: Inspection) -> str:
    problems = "；".join(
        f"{m.place}{m.entry.finding}"
        for m in inspection.marks.filter(result="fail").select_related("entry")
    )
    started = timezone.localtime(inspection.started_at)
    unit = inspection.enterprise.name
    return f"{started:%Y年%m月%d日}，执法人员对{unit}进行现场检查，发现：{problems}。"


def build_demo_onsite(
    *,
    by,
    district_codes: list[str],
    seed: int = 2026,
    filers: dict[str, User] | None = None,
    keep_for: User | None = None,
    progress=None,
) -> BuiltOnsite:
    """Inspections (and, for each district's 应急管理局, cases) of the demo districts.
    ``filers``: department name → who files its cases (``by`` otherwise); ``by`` (an
    administrator) does the legal review."""
    built = BuiltOnsite()
    if Inspection.objects.exists():
        return built
    rng = random.Random(seed)
    today = timezone.localdate()
    for code in district_codes:
        for department in Department.objects.filter(region_id=code).order_by("pk"):
            suffix = department.name.removeprefix(department.region.name)
            count = PER_DEPARTMENT.get(suffix)
            builder = _Builder(department, rng, today)
            if count and len(builder.pool) >= 2:
                # The comprehensive department's first ones find problems: its cases.
                wanted = len(CASE_PATHS) if department.is_comprehensive else 0
                for n, target in enumerate(builder.targets(count, keep_for)):
                    done = builder.inspect(*target, must_find=n < wanted)
                    if done is not None:
                        built.inspections.append(done)
                mine = Inspector.objects.filter(user=keep_for, department=department).first()
                if mine is not None:
                    units = [target[1] for target in builder.targets(4, None)][-2:]
                    for share, unit in zip((0.5, 0.0), units, strict=False):
                        built.inspections.append(
                            builder.inspect(
                                InspectionKind.SPECIAL,
                                unit,
                                None,
                                None,
                                builder.pair(mine),
                                finish=False,
                                marked_share=share,
                            )
                        )
                if department.is_comprehensive:
                    filer = (filers or {}).get(department.name, by)
                    built.cases += builder.cases(filer, by)
                    builder.reinspections(REINSPECTED)
            if progress is not None:
                progress(1)
    return built
