"""Demo warnings, one per interesting state, built through the services.

- published: 危险化学品企业高温安全生产预警 for the whole district (its outline is the
  polygon, its code the geocode);
- pending:   有限空间作业安全风险提示 for two of its streets, waiting for the approver;
- cancelled: 大风天气建筑施工安全预警, cancelled after the wind dropped (its Cancel
  message stays in the public feed until the warning would have expired) — drawn as a
  typed polygon, the advanced option older warnings use.

The caller sets the audit actor (``set_actor``), as the demo command does.
"""

from datetime import timedelta

from django.utils import timezone

from anjian.cap import services
from anjian.cap.choices import Category, Certainty, ResponseType, Severity, Urgency
from anjian.cap.models import CapAlert
from anjian.regions.choices import RegionLevel


def _polygon_around(region, half_lat: float = 0.02, half_lon: float = 0.025) -> str:
    """A closed rectangle around the region's label point (杨浦区's centre if it has none)."""
    lat = float(region.latitude) if region.latitude is not None else 31.2704
    lon = float(region.longitude) if region.longitude is not None else 121.5228
    corners = [
        (lat + half_lat, lon - half_lon),
        (lat + half_lat, lon + half_lon),
        (lat - half_lat, lon + half_lon),
        (lat - half_lat, lon - half_lon),
    ]
    corners.append(corners[0])
    return " ".join(f"{a:.4f},{b:.4f}" for a, b in corners)


def _draft(by, region, **data) -> CapAlert:
    now = timezone.now()
    base = {
        "region": region,
        "sender_name": f"{region.name}应急管理局",
        "category": Category.SAFETY,
        "certainty": Certainty.LIKELY,
        "effective": now,
        "expires": now + timedelta(days=3),
        "contact": f"{region.name}应急管理局值班室 021-12345678（演示）",
    }
    return services.alert_create(by=by, data={**base, **data})


def _publish(alert: CapAlert, *, by_composer, by_approver) -> CapAlert:
    alert = services.alert_submit(by=by_composer, alert_id=alert.pk, expected_version=alert.version)
    return services.alert_approve(by=by_approver, alert_id=alert.pk, expected_version=alert.version)


def build_demo_warnings(*, by_composer, by_approver, region) -> dict[str, CapAlert]:
    """Three warnings of ``region``: drafted by ``by_composer`` (WARNING_COMPOSE), approved
    or cancelled by ``by_approver`` (WARNING_APPROVE, another person)."""
    heat = _draft(
        by_composer,
        region,
        event="高温天气危险化学品安全风险",
        urgency=Urgency.EXPECTED,
        severity=Severity.MODERATE,
        response_type=ResponseType.PREPARE,
        headline=f"{region.name}危险化学品企业高温安全生产预警",
        description=(
            "未来三天本区最高气温将达37℃以上。高温易导致易燃液体挥发加剧、储罐超压、"
            "仓库温度超限，增加火灾爆炸和中毒风险。"
        ),
        instruction=(
            "各危险化学品生产、储存、经营企业：落实储罐喷淋降温和仓库通风，严控库温；"
            "加强可燃有毒气体报警和温度压力监测；避开午间高温时段装卸作业；"
            "值班人员24小时在岗，发现异常立即处置并报告。"
        ),
        area_desc=f"{region.name}全境危险化学品企业",
        areas=[region],
    )
    published = _publish(heat, by_composer=by_composer, by_approver=by_approver)

    confined = _draft(
        by_composer,
        region,
        event="有限空间作业中毒窒息风险",
        urgency=Urgency.FUTURE,
        severity=Severity.MINOR,
        response_type=ResponseType.MONITOR,
        headline=f"{region.name}有限空间作业安全风险提示",
        description="近期气温升高，污水井、化粪池等有限空间内有毒有害气体积聚加快。",
        instruction="严格执行“先通风、再检测、后作业”，未经审批不得进入有限空间作业。",
        area_desc="",  # made from the streets' names
        areas=list(region.children.filter(level=RegionLevel.STREET).order_by("code")[:2]),
    )
    pending = services.alert_submit(
        by=by_composer, alert_id=confined.pk, expected_version=confined.version
    )

    wind = _draft(
        by_composer,
        region,
        category=Category.MET,
        event="大风天气建筑施工安全风险",
        urgency=Urgency.IMMEDIATE,
        severity=Severity.SEVERE,
        response_type=ResponseType.EXECUTE,
        headline=f"{region.name}大风天气建筑施工安全预警",
        description="预计今日午后阵风可达9级，塔吊、脚手架、临时设施存在倾覆和坠落风险。",
        instruction="立即停止塔吊、高处和吊装作业，加固脚手架与临时设施，人员撤离危险区域。",
        area_desc=f"{region.name}各建筑工地",
        polygon=_polygon_around(region, half_lat=0.03, half_lon=0.035),
        expires=timezone.now() + timedelta(hours=12),
    )
    wind = _publish(wind, by_composer=by_composer, by_approver=by_approver)
    cancel = services.alert_cancel(
        by=by_approver,
        alert_id=wind.pk,
        expected_version=wind.version,
        reason="大风已减弱，气象部门已解除大风预警",
    )
    wind.refresh_from_db()
    return {"published": published, "pending": pending, "cancelled": wind, "cancel": cancel}
