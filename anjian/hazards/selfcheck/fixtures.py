"""Demo self-checks for the demo enterprise manager: plans from the typical checklists that
fit the enterprise and a few past checks, the latest of each with failed items (which
raised hazards titled with the items' findings and located where they were found) — all
through the services, as the manager's own clicks would."""

from datetime import timedelta

from django.utils import timezone

from anjian.hazards.selfcheck import checklists, services

# Per typical checklist: the items the latest demo check failed, by their text, with the
# place the problem was found and what the checker wrote.
DEMO_FAILURES: dict[str, list[tuple[str, str, str]]] = {
    "hazchem_daily": [
        (
            "装置区、罐区、管线无跑冒滴漏",
            "2号罐区T-203出料泵出口法兰",
            "法兰密封处渗漏，泵基础周围地面有约0.5平方米油渍（演示）",
        ),
        (
            "安全警示标志、风险告知牌齐全清晰",
            "1号装卸站台",
            "“禁止烟火”警示牌褪色，风险告知牌被堆放的空桶遮挡（演示）",
        ),
    ],
    "dust_weekly": [
        (
            "按制度清理积尘，作业现场、设备和建筑物表面无明显积尘",
            "抛光车间3号工位上方横梁",
            "横梁和风管顶部积尘明显，清扫记录停在上周一（演示）",
        ),
        (
            "机械设备的防护罩、急停装置完好",
            "下料车间2号剪板机",
            "皮带轮防护罩检修后未复装（演示）",
        ),
    ],
    "confined_space": [
        (
            "气体检测仪、通风设备、呼吸防护用品、安全带等装备齐全完好",
            "污水处理站工具间",
            "四合一气体检测仪超过检定有效期（演示）",
        ),
    ],
    "crowded_place_daily": [
        (
            "安全出口、疏散通道畅通，未锁闭、堵塞或占用",
            "一层东侧安全出口",
            "出口外侧堆放纸箱，疏散门只能开启一半（演示）",
        ),
        (
            "疏散指示标志、应急照明完好",
            "二层西走廊",
            "两只疏散指示标志不亮（演示）",
        ),
    ],
    "construction_daily": [
        (
            "临边、洞口防护到位，作业人员正确佩戴安全帽、系挂安全带",
            "3号楼5层东侧楼板临边",
            "临边防护栏杆缺失约6米，未设警示（演示）",
        ),
        (
            "临时用电符合“三级配电、两级保护”，配电箱门锁完好",
            "2号分配电箱",
            "配电箱门锁损坏，箱门敞开（演示）",
        ),
    ],
}


def _results(items, failures: dict[str, tuple[str, str]]) -> list[dict]:
    results = []
    for item in items:
        place, note = failures.get(item.text, ("", ""))
        failed = item.text in failures
        results.append(
            {
                "item_id": item.pk,
                "passed": not failed,
                "place": place,
                "note": note,
                "photos": [],
            }
        )
    return results


def build_demo_checks(*, user, enterprise) -> int:
    """Returns the number of check records made."""
    fitting = [c for c, fits in checklists.checklists_for(enterprise) if fits][:2]
    made = 0
    for index, checklist in enumerate(fitting):
        plan = services.plan_create_from_checklist(
            by=user, enterprise=enterprise, key=checklist.key
        )
        items = list(plan.items.active())
        latest_failures = {
            text: (place, note) for text, place, note in DEMO_FAILURES.get(checklist.key, [])
        }
        for days_ago in (9, 5, 2):
            services.check_record_submit(
                by=user,
                plan_id=plan.pk,
                performed_at=timezone.now() - timedelta(days=days_ago, hours=index),
                note="（演示）",
                results=_results(items, latest_failures if days_ago == 2 else {}),
            )
            made += 1
    return made
