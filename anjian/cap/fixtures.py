"""Demo warnings, one per interesting state, built through the services.

- published: 危险化学品企业高温安全生产预警 for the whole district (its outline is the
  polygon, its code the geocode);
- pending:   有限空间作业安全风险提示 for two of its streets, waiting for the approver —
  and for the district's 建管委, named as co-issuer (联合发布), which has not agreed yet;
- cancelled: 大风天气建筑施工安全预警, issued jointly with the 建管委 (which agreed),
  cancelled after the wind dropped (its Cancel message stays in the public feed until
  the warning would have expired) — drawn as a typed polygon, the advanced option older
  warnings use.

Each published message reaches its area's recipients (duty persons, street users, the
demo contact lists, enterprises, demo subscribers) through the console channel whatever
the deployment configures: texts are "sent" and then mostly delivered by receipts
(``delivery.receipts_record``), some fail, some wait for their receipt; e-mail is
delivered; a landline fails at once — so the reach figures are not 100 %.

The caller sets the audit actor (``set_actor``), as the demo command does.
"""

import logging
from contextlib import contextmanager
from datetime import timedelta

from django.utils import timezone

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.cap import channels, delivery, recipients, services
from anjian.cap.choices import Category, Certainty, ResponseType, Severity, Urgency
from anjian.cap.models import CapAlert, CapDelivery, DeliveryState
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Department

CONSOLE = ["anjian.cap.channels.Console"]
# Street contacts of the demo: (name, title, phone, email) — one landline (texts fail),
# one e-mail only.
CONTACTS = (
    ("王秀英", "楼组长", "13912340001", ""),
    ("李建华", "物业经理", "13912340002", ""),
    ("社区卫生服务中心", "值班室", "021-65430001", ""),
    ("张明", "学校安全干部", "", "zhangming@school.example.cn"),
)
# Public subscribers per district (numbers made from the district's code): three phones,
# one e-mail.
SUBSCRIBERS = ("138{code}0001", "138{code}0002", "138{code}0003", "reader.{code}@example.cn")


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


def _co_issuer(region, by_composer) -> tuple[Department | None, User | None]:
    """The district's 建管委 and one of its users who may agree for it (if there is one)."""
    department = Department.objects.filter(
        region=region, is_active=True, name__endswith="建设和管理委员会"
    ).first()
    if department is None:
        return None, None
    users = User.objects.filter(department=department, is_active=True, role=Role.DEPARTMENT)
    return department, next((u for u in users.order_by("pk") if u.pk != by_composer.pk), None)


def _recipient_lists(region, *, by) -> None:
    """Contact lists for the district's first streets, and confirmed public subscribers."""
    streets = list(region.children.filter(level=RegionLevel.STREET).order_by("code")[:2])
    for street in streets:
        for name, title, phone, email in CONTACTS:
            recipients.contact_add(
                by=by,
                data={
                    "region": street,
                    "name": name,
                    "title": title,
                    "phone": phone,
                    "email": email,
                },
            )
    for index, pattern in enumerate(SUBSCRIBERS):
        address = pattern.format(code=region.code[-4:])
        field = "email" if "@" in address else "phone"
        picked = [streets[index % len(streets)]] if streets and index % 2 else [region]
        subscription = recipients.subscription_request(**{field: address}, regions=picked)
        recipients.subscription_confirm(token=subscription.token)


@contextmanager
def _quiet():
    """The console channel logs every message; building the demo it would log thousands."""
    log = logging.getLogger(channels.logger.name)
    level = log.level
    log.setLevel(logging.WARNING)
    try:
        yield
    finally:
        log.setLevel(level)


def _send(alerts: list[CapAlert]) -> None:
    """Send the messages' deliveries (console), then the gateway's receipts: of every
    twenty texts one fails and one is still waiting for its receipt."""
    with _quiet():
        delivery.deliver_due(limit=1_000_000)
    sent = CapDelivery.objects.filter(alert__in=alerts, state=DeliveryState.SENT).order_by("pk")
    reports = []
    for index, row in enumerate(sent.values_list("key", flat=True)):
        if index % 20 == 1:
            continue
        failed = index % 20 == 0
        reports.append(
            {
                "message_id": str(row),
                "status": "failed" if failed else "delivered",
                "error": "用户已关机（演示）" if failed else "",
            }
        )
    delivery.receipts_record(reports)


def build_demo_warnings(*, by_composer, by_approver, region) -> dict[str, CapAlert]:
    """Three warnings of ``region``: drafted by ``by_composer`` (WARNING_COMPOSE), approved
    or cancelled by ``by_approver`` (WARNING_APPROVE, another person); the recipient lists
    and deliveries they reach through the console channel."""
    with channels.only(CONSOLE):
        _recipient_lists(region, by=by_composer)
        return _build(by_composer=by_composer, by_approver=by_approver, region=region)


def _build(*, by_composer, by_approver, region) -> dict[str, CapAlert]:
    department, co_signer = _co_issuer(region, by_composer)
    co_issuers = [department] if department is not None and co_signer is not None else []
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
        co_issuers=co_issuers,
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
        co_issuers=co_issuers,
    )
    wind = services.alert_submit(by=by_composer, alert_id=wind.pk, expected_version=wind.version)
    if co_issuers:
        services.alert_cosign(
            by=co_signer,
            alert_id=wind.pk,
            expected_version=wind.version,
            reason="同意联合发布，已通知各在建工地",
        )
    wind = services.alert_approve(by=by_approver, alert_id=wind.pk, expected_version=wind.version)
    _send([published, wind])
    cancel = services.alert_cancel(
        by=by_approver,
        alert_id=wind.pk,
        expected_version=wind.version,
        reason="大风已减弱，气象部门已解除大风预警",
    )
    _send([cancel])
    wind.refresh_from_db()
    return {"published": published, "pending": pending, "cancelled": wind, "cancel": cancel}
