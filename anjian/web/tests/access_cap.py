"""What the page-access table opens for a warning's reach (``cap.views_delivery``): a
contact on the list of the actor's place, already taken off it (so 停用 again changes
nothing), and a public subscription waiting for confirmation — and the rows of those pages
(``CAP_DELIVERY_PAGES``). Made once per setup, by the administrator."""

from anjian.regions.choices import RegionLevel
from anjian.regions.levels import level_of
from anjian.web.tests.access_pages import Page
from anjian.web.tests.access_setup import Setup
from testsupport import world


def cap_contact(setup: Setup):
    """A contact of the actor's own grid (a scope below a street), else of its unit's
    street; deactivated through the service."""
    if hasattr(setup, "_cap_contact"):
        return setup._cap_contact
    from anjian.cap import recipients
    from anjian.regions.models import Region

    admin = world.actor("admin")
    region = setup.user.region_id or ""
    if level_of(region) not in (RegionLevel.COMMUNITY, RegionLevel.GRID):
        region = setup.enterprise.street_id
    contact = recipients.contact_add(
        by=admin,
        data={"region": Region.objects.get(code=region), "name": "楼组长", "phone": "13800138001"},
    )
    setup._cap_contact = recipients.contact_deactivate(by=admin, contact_id=contact.pk)
    return setup._cap_contact


def cap_subscription(setup: Setup):
    """A public subscription to 杨浦区, not yet confirmed (written directly: requesting one
    needs a configured channel, and reading its page writes nothing)."""
    if hasattr(setup, "_cap_subscription"):
        return setup._cap_subscription
    from anjian.cap.models import CapSubscription

    subscription = CapSubscription.objects.create(
        email=f"{setup.user.username}@example.com", token=f"access-{setup.user.pk}"
    )
    subscription.regions.set([world.YANGPU])
    setup._cap_subscription = subscription
    return subscription


# Forms posted empty are let in and refused with their errors (422), never performed.
CAP_DELIVERY_PAGES: dict[str, Page] = {
    "cap:alert_deliveries": Page(args=lambda s: [s.cap_alert.pk]),
    "cap:alert_co_issue": Page(args=lambda s: [s.cap_alert.pk]),
    "cap:alert_co_issuers": Page(method="post", args=lambda s: [s.cap_draft.pk], ok=(422,)),
    "cap:alert_cosign": Page(method="post", args=lambda s: [s.cap_alert.pk], ok=(422,)),
    "cap:reach": Page(),
    "cap:delivery_list": Page(),
    "cap:contact_list": Page(),
    "cap:contact_deactivate": Page(method="post", args=lambda s: [cap_contact(s).pk]),
    # Public (no login): subscribing, and a subscription's confirm and cancel pages.
    "cap:subscribe": Page(),
    "cap:subscription_confirm": Page(args=lambda s: [cap_subscription(s).token]),
    "cap:subscription_cancel": Page(args=lambda s: [cap_subscription(s).token]),
}
