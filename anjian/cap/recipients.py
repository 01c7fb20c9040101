"""Who a warning is for: the recipient lists of its area, and the two lists kept here.

The area (``area_of``) is the union of the regions picked for the warning (a district, or
streets) and, for typed polygons and circles, the regions whose label point lies inside a
shape and the enterprises whose own coordinates do. Everybody else is outside it.

The lists (``resolve``), in this order — an address on several is told once, under the
first (``delivery.queue_for`` deduplicates):

- 企业值班人员: the duty persons (monitoring's ``DutyPerson``, on duty) of the enterprises
  in the area — their duty phone, else their account's phone, and their e-mail;
- 街镇社区工作人员: active street-role users whose region (street, community, grid) lies
  in the area;
- 街镇社区联络人: the active entries of the streets' and communities' contact lists
  (``CapContact``) in the area;
- 区域内企业: enterprises in the area still operating (or suspended) — their safety
  manager's phone, else the principal's;
- 公众订阅: confirmed subscriptions (``CapSubscription``) to a region in the area, or to
  a region containing part of it (a district's subscriber hears of its streets);
- 广播与显示屏: the webhook channel's systems, all of them or those whose regions touch
  the area.

Reads, except the lists' own writes at the end (contacts; subscribing, confirming and
cancelling a subscription, whose confirmation message goes out after the commit).
"""

import itertools
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.cap import area as shapes
from anjian.cap import channels
from anjian.cap import permissions as perms
from anjian.cap.models import (
    CapAlert,
    CapContact,
    CapSubscription,
    RecipientKind,
    SubscriptionState,
)
from anjian.core.exceptions import NotPermitted, OutOfScope, ValidationError
from anjian.core.scoping import ensure_in_scope
from anjian.enterprises.choices import Status as EnterpriseStatus
from anjian.enterprises.models import Enterprise
from anjian.monitoring.models import DutyPerson
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import ancestor_codes
from anjian.regions.models import Region

EARTH_RADIUS_KM = 6371.0
LIVE_ENTERPRISES = (EnterpriseStatus.OPERATING, EnterpriseStatus.SUSPENDED)
CONTACT_LEVELS = (RegionLevel.STREET, RegionLevel.COMMUNITY, RegionLevel.GRID)
SUBSCRIBABLE_LEVELS = (RegionLevel.DISTRICT, RegionLevel.STREET)
MAX_SUBSCRIBED_REGIONS = 20
RESEND_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class Recipient:
    """One entry of one list: where they are (``region_code``) and how to reach them."""

    kind: str
    name: str
    region_code: str
    phone: str = ""
    email: str = ""
    endpoint: str = ""
    ref: str = ""  # "user:12", "enterprise:5" … (names the row of an unreachable entry)
    subscription_id: int | None = None


# --- the area --------------------------------------------------------------------------------


def _inside_polygon(lat: float, lon: float, ring: list[tuple[float, float]]) -> bool:
    """Ray casting on (lat, lon); a point on an edge may fall either way."""
    inside = False
    for (lat1, lon1), (lat2, lon2) in itertools.pairwise(ring):
        if (lon1 > lon) != (lon2 > lon):
            crossing = lat1 + (lon - lon1) * (lat2 - lat1) / (lon2 - lon1)
            if lat < crossing:
                inside = not inside
    return inside


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


@dataclass(frozen=True)
class Area:
    """The regions (codes: they and everything below them) and the typed shapes."""

    codes: tuple[str, ...]
    polygons: tuple[tuple[tuple[float, float], ...], ...] = ()
    circles: tuple[shapes.Circle, ...] = ()
    within: str = ""  # the issuing region: nothing outside it is in the area

    def covers_code(self, code: str) -> bool:
        return any(code.startswith(prefix) for prefix in self.codes)

    def covers_point(self, lat, lon) -> bool:
        if lat is None or lon is None:
            return False
        lat, lon = float(lat), float(lon)
        return any(_inside_polygon(lat, lon, list(ring)) for ring in self.polygons) or any(
            _distance_km(lat, lon, c.lat, c.lon) <= c.radius_km for c in self.circles
        )

    def touches(self, code: str) -> bool:
        """``code`` lies in the area or contains part of it."""
        return self.covers_code(code) or any(
            code in ancestor_codes(prefix) for prefix in self.codes
        )

    @property
    def has_shapes(self) -> bool:
        return bool(self.polygons or self.circles)


def area_of(alert: CapAlert) -> Area:
    picked = tuple(alert.areas.order_by("code").values_list("code", flat=True))
    polygons = (tuple(shapes.parse_polygon(alert.polygon)),) if alert.polygon else ()
    circles = (shapes.parse_circle(alert.circle),) if alert.circle else ()
    typed = Area(codes=(), polygons=polygons, circles=circles, within=alert.region_id)
    labelled = []
    if typed.has_shapes:
        below = Region.objects.filter(
            code__startswith=alert.region_id,
            level__gt=RegionLevel.DISTRICT,
            latitude__isnull=False,
            longitude__isnull=False,
        ).only("code", "latitude", "longitude")
        labelled = [r.code for r in below if typed.covers_point(r.latitude, r.longitude)]
    return Area(
        codes=tuple(sorted({*picked, *labelled})),
        polygons=polygons,
        circles=circles,
        within=alert.region_id,
    )


def _prefix_q(field: str, codes) -> Q:
    condition = Q(pk__in=[])
    for code in codes:
        condition |= Q(**{f"{field}__startswith": code})
    return condition


def enterprises_in(area: Area):
    """The live enterprises in the area: by their region, or by their own coordinates
    inside a typed shape."""
    live = Enterprise.objects.filter(status__in=LIVE_ENTERPRISES)
    ids = set(live.filter(_prefix_q("scope_region_code", area.codes)).values_list("pk", flat=True))
    if area.has_shapes:
        candidates = live.filter(
            scope_region_code__startswith=area.within,
            latitude__isnull=False,
            longitude__isnull=False,
        ).values_list("pk", "latitude", "longitude")
        ids |= {pk for pk, lat, lon in candidates if area.covers_point(lat, lon)}
    return Enterprise.objects.filter(pk__in=ids)


# --- the lists -------------------------------------------------------------------------------


def duty_persons(area: Area, enterprises) -> list[Recipient]:
    persons = (
        DutyPerson.objects.filter(is_active=True, user__is_active=True, enterprise__in=enterprises)
        .select_related("user", "enterprise")
        .order_by("enterprise_id", "id")
    )
    return [
        Recipient(
            RecipientKind.DUTY,
            f"{person.user.name or person.user.username}（{person.enterprise.name}）",
            person.enterprise.scope_region_code,
            phone=person.phone or person.user.phone,
            email=person.user.email,
            ref=f"duty:{person.pk}",
        )
        for person in persons
    ]


def officials(area: Area) -> list[Recipient]:
    users = User.objects.filter(is_active=True, role=Role.STREET).filter(
        _prefix_q("region__code", area.codes)
    )
    return [
        Recipient(
            RecipientKind.OFFICIAL,
            user.name or user.username,
            user.region_id,
            phone=user.phone,
            email=user.email,
            ref=f"user:{user.pk}",
        )
        for user in users.order_by("region_id", "pk")
    ]


def contacts(area: Area) -> list[Recipient]:
    found = CapContact.objects.filter(is_active=True).filter(_prefix_q("region__code", area.codes))
    return [
        Recipient(
            RecipientKind.CONTACT,
            f"{contact.name}（{contact.title}）" if contact.title else contact.name,
            contact.region_id,
            phone=contact.phone,
            email=contact.email,
            ref=f"contact:{contact.pk}",
        )
        for contact in found.order_by("region_id", "pk")
    ]


def enterprise_contacts(enterprises) -> list[Recipient]:
    return [
        Recipient(
            RecipientKind.ENTERPRISE,
            enterprise.name,
            enterprise.scope_region_code,
            phone=enterprise.safety_manager_phone or enterprise.principal_phone,
            ref=f"enterprise:{enterprise.pk}",
        )
        for enterprise in enterprises.order_by("scope_region_code", "pk")
    ]


def subscribers(area: Area) -> list[Recipient]:
    """Confirmed subscriptions to a region that lies in the area or contains part of it;
    each once, placed at the first such region."""
    touching = Q(pk__in=[])
    for code in area.codes:
        touching |= Q(regions__code__startswith=code) | Q(regions__code__in=ancestor_codes(code))
    found = (
        CapSubscription.objects.filter(state=SubscriptionState.CONFIRMED)
        .filter(touching)
        .distinct()
        .prefetch_related("regions")
        .order_by("pk")
    )
    recipients = []
    for subscription in found:
        codes = sorted(r.code for r in subscription.regions.all() if area.touches(r.code))
        inside = [code for code in codes if area.covers_code(code)]
        recipients.append(
            Recipient(
                RecipientKind.SUBSCRIBER,
                _("公众订阅"),
                inside[0] if inside else area.within,
                phone=subscription.phone,
                email=subscription.email,
                ref=f"subscription:{subscription.pk}",
                subscription_id=subscription.pk,
            )
        )
    return recipients


def endpoints(area: Area, systems: dict[str, dict]) -> list[Recipient]:
    """Broadcast and display systems (the webhook channel's): those without regions get
    every warning, the others those whose area touches one of their regions."""
    return [
        Recipient(
            RecipientKind.ENDPOINT,
            name,
            area.within,
            endpoint=name,
            ref=f"endpoint:{name}",
        )
        for name, system in systems.items()
        if not system.get("regions") or any(area.touches(code) for code in system["regions"])
    ]


def resolve(alert: CapAlert, *, systems: dict[str, dict] | None = None) -> list[Recipient]:
    """Everybody the warning is for, list by list (duplicates left in)."""
    area = area_of(alert)
    enterprises = enterprises_in(area)
    return [
        *duty_persons(area, enterprises),
        *officials(area),
        *contacts(area),
        *enterprise_contacts(enterprises),
        *subscribers(area),
        *endpoints(area, systems or {}),
    ]


def cosigners(alert: CapAlert, department_id: int) -> list[User]:
    """Who may agree for a co-issuing department: its active users with ``warning.cosign``
    who can see the warning."""
    users = User.objects.filter(is_active=True, department_id=department_id).order_by("pk")
    return [
        user
        for user in users
        if user.can(perms.WARNING_COSIGN)
        and CapAlert.objects.for_user(user).filter(pk=alert.pk).exists()
    ]


# --- contact lists ---------------------------------------------------------------------------

CONTACT_FIELDS = ("region", "name", "title", "phone", "email")


@transaction.atomic
def contact_add(*, by, data: dict) -> CapContact:
    """A contact on the list of a street, community or grid in the writer's scope."""
    if not by.can(perms.WARNING_CONTACTS):
        raise NotPermitted()
    unknown = set(data) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError({name: _("不能填写此项") for name in sorted(unknown)})
    contact = CapContact(created_by=by, **data)
    contact.email = (contact.email or "").strip().lower()
    contact.phone = (contact.phone or "").strip()
    contact.full_clean()
    if contact.region.level not in CONTACT_LEVELS:
        raise ValidationError({"region": _("联络人须属于街道（镇）、社区或网格")})
    contact.save()
    ensure_in_scope(by, contact, field="region")
    return contact


@transaction.atomic
def contact_deactivate(*, by, contact_id: int) -> CapContact:
    """Take a contact off the list (kept: past deliveries name them)."""
    if not by.can(perms.WARNING_CONTACTS):
        raise NotPermitted()
    contact = (
        CapContact.objects.for_user(by)
        .select_for_update(of=("self",))
        .filter(pk=contact_id)
        .first()
    )
    if contact is None:
        raise OutOfScope()
    if contact.is_active:
        contact.is_active = False
        contact.save(update_fields=["is_active"])
    return contact


# --- subscriptions ---------------------------------------------------------------------------


def subscribable_regions():
    """What the public may subscribe to: the deployment's districts and streets."""
    return (
        Region.objects.filter(
            code__startswith=settings.REGION_ROOT,
            level__in=SUBSCRIBABLE_LEVELS,
            is_active=True,
        )
        .exclude(name__in=("市辖区", "县"))
        .order_by("code")
    )


def _address(phone: str, email: str) -> tuple[str, str, str]:
    """(kind, phone, email) normalised; exactly one of the two, and a usable one."""
    phone, email = channels.normalise_phone(phone), (email or "").strip().lower()
    if bool(phone) == bool(email):
        raise ValidationError({"phone": _("请填写手机号码或电子邮箱（其中一项）")})
    if phone and not channels.is_mobile(phone):
        raise ValidationError({"phone": _("请填写11位手机号码")})
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            raise ValidationError({"email": _("电子邮箱格式不正确")}) from None
    kind = channels.PHONE if phone else channels.EMAIL
    if confirming_channel(kind, phone or email) is None:
        field = "phone" if phone else "email"
        raise ValidationError({field: _("本平台暂未开通此方式的预警推送，请换用另一种方式")})
    return kind, phone, email


def confirming_channel(kind: str, address: str) -> channels.Channel | None:
    """The first configured channel that can take ``address``."""
    for channel in channels.configured():
        if kind in channel.kinds and not channel.refusal(kind, address):
            return channel
    return None


@transaction.atomic
def subscription_request(*, phone: str = "", email: str = "", regions) -> CapSubscription:
    """公众订阅: a pending subscription (or the pending one of the address, with the new
    regions); the confirmation link goes to the address after the commit, at most once
    every ten minutes. An address already subscribed must cancel first."""
    _kind, phone, email = _address(phone, email)
    picked = list(subscribable_regions().filter(code__in=[getattr(r, "pk", r) for r in regions]))
    if not picked:
        raise ValidationError({"regions": _("请选择要订阅预警的区或街道（镇）")})
    if len(picked) > MAX_SUBSCRIBED_REGIONS:
        raise ValidationError(
            {"regions": _("最多订阅 %(n)d 个区划") % {"n": MAX_SUBSCRIBED_REGIONS}}
        )
    live = (
        CapSubscription.objects.select_for_update()
        .filter(phone=phone, email=email)
        .exclude(state=SubscriptionState.CANCELLED)
        .first()
    )
    if live is not None and live.state == SubscriptionState.CONFIRMED:
        raise ValidationError(
            {
                "phone" if phone else "email": _(
                    "该号码或邮箱已订阅。如需修改订阅区划，请先用确认消息中的链接退订后重新订阅"
                )
            }
        )
    now = timezone.now()
    subscription = live or CapSubscription(
        phone=phone, email=email, token=secrets.token_urlsafe(32)
    )
    subscription.full_clean(exclude=["regions", "token"])
    resend = subscription.notified_at is None or now - subscription.notified_at >= RESEND_AFTER
    if resend:
        subscription.notified_at = now
    subscription.save()
    subscription.regions.set(picked)
    if resend:
        transaction.on_commit(lambda: send_confirmation.enqueue(subscription.pk), robust=True)
    return subscription


def _by_token(token: str) -> CapSubscription:
    subscription = CapSubscription.objects.select_for_update().filter(token=token).first()
    if subscription is None or not token:
        raise OutOfScope()
    return subscription


@transaction.atomic
def subscription_confirm(*, token: str) -> CapSubscription:
    """The address's owner followed the link: the subscription counts from now on.
    Confirming twice changes nothing; a cancelled one stays cancelled."""
    subscription = _by_token(token)
    if subscription.state == SubscriptionState.CANCELLED:
        raise ValidationError({"token": _("该订阅已退订，请重新订阅")})
    if subscription.state == SubscriptionState.PENDING:
        subscription.state = SubscriptionState.CONFIRMED
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["state", "confirmed_at"])
    return subscription


@transaction.atomic
def subscription_cancel(*, token: str) -> CapSubscription:
    """退订 (kept, so past deliveries still name it)."""
    subscription = _by_token(token)
    if subscription.state != SubscriptionState.CANCELLED:
        subscription.state = SubscriptionState.CANCELLED
        subscription.cancelled_at = timezone.now()
        subscription.save(update_fields=["state", "cancelled_at"])
    return subscription


def subscription_links(subscription: CapSubscription) -> tuple[str, str]:
    """The public confirm and cancel links of a subscription."""
    site = settings.SITE_URL.rstrip("/")
    return (
        site + reverse("cap:subscription_confirm", args=[subscription.token]),
        site + reverse("cap:subscription_cancel", args=[subscription.token]),
    )


@task
def send_confirmation(subscription_id: int) -> bool:
    """Send the confirmation link of a pending subscription (queued after its commit)."""
    subscription = CapSubscription.objects.filter(
        pk=subscription_id, state=SubscriptionState.PENDING
    ).first()
    if subscription is None:
        return False
    kind = channels.PHONE if subscription.phone else channels.EMAIL
    channel = confirming_channel(kind, subscription.address)
    if channel is None:
        return False
    confirm, _cancel = subscription_links(subscription)
    names = "、".join(r.name for r in subscription.regions.order_by("code"))
    text = _("您申请订阅%(r)s的预警信息。确认请打开 %(url)s （如非本人操作请忽略）") % {
        "r": names,
        "url": confirm,
    }
    outcome = channel.send(
        channels.Message(
            key=f"subscription-{subscription.pk}-{subscription.notified_at:%Y%m%d%H%M%S}",
            address=subscription.address,
            subject=_("请确认预警信息订阅"),
            text=text,
        )
    )
    if outcome.error:
        channels.logger.warning(
            "subscription %s confirmation not sent: %s", subscription.pk, outcome.error
        )
    return not outcome.error
