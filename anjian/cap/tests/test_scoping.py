"""Every role against the warning pages (generated tests, STYLE habit 4), and the widening:
issued warnings of the regions above a user are readable, drafts are not.

Contacts (预警联络人) and deliveries are scoped by where the person is. The world gets a
contact at 殷行街道, at its grid 第1网格, at 平凉路街道 and at a street of 虹口区 (through
``recipients.contact_add``); for the deliveries, a warning of 杨浦区 for 殷行 and 平凉路 and
one of 虹口区 for its street are published through the services, which queue a delivery
to each contact (the console channel, the default) besides the world's other recipients.
A delivery is seen by whoever's region holds its recipient, and only of a warning they
may read. Neither has a page of its own: a contact's one URL is 停用 (POST), a delivery is
shown on its warning's deliveries page; the tests of the per-record URL use those.
"""

from django.test import Client
from django.urls import reverse

from anjian.cap import permissions as perms
from anjian.cap import recipients
from anjian.cap.models import CapAlert, CapContact, CapDelivery
from anjian.cap.tests.factories import alert_in, form_data
from anjian.core.scoping import scope_of
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region
from testsupport import world
from testsupport.scoped import ScopedCrudTests

# World warnings by name: (region, state). The headline is what the list page shows.
WARNINGS = {
    "yangpu_published": (world.YANGPU, "published"),
    "yangpu_draft": (world.YANGPU, "draft"),
    "hongkou_published": (world.HONGKOU, "published"),
    "hongkou_pending": (world.HONGKOU, "pending"),
}
YANGPU_ALL = {"yangpu_published", "yangpu_draft"}
# Inside 杨浦区 below the district (street, grid) only what was issued; 行业部门 users
# have the district as their region: they read the district's warnings, drafts too.
VISIBLE = {
    "district_official": YANGPU_ALL,
    "street_officer": {"yangpu_published"},
    "grid_member": {"yangpu_published"},
    "neighbour_official": {"hongkou_published", "hongkou_pending"},
    "housing_official": YANGPU_ALL,
    "inspector": set(),  # no warning.view
    "leader": YANGPU_ALL,
    "enterprise_manager": set(),
    "expert": set(),
    "admin": set(WARNINGS),
}


def world_warning(name: str) -> CapAlert:
    headline = f"{name}的测试预警"
    existing = CapAlert.objects.filter(headline=headline).first()
    if existing is not None:
        return existing
    region, state = WARNINGS[name]
    return alert_in(state, region=region, headline=headline)


class TestCapAlertScoping(ScopedCrudTests):
    model = CapAlert

    list_url = "cap:alert_list"
    detail_url = "cap:alert_detail"
    edit_url = "cap:alert_edit"
    create_url = "cap:alert_create"
    api_list = "/api/v1/warnings/"
    api_detail = "/api/v1/warnings/{pk}"
    key_attribute = "headline"
    visible = VISIBLE
    creators = ("district_official", "neighbour_official", "admin")
    not_creators = ("street_officer", "housing_official", "inspector", "leader", "expert")
    not_applicable = {
        "export_url": "warnings are published as CAP XML and the Atom feed, not to Excel",
    }

    def _view_action(self) -> str:
        return perms.WARNING_VIEW

    def _can_edit(self, user) -> bool:
        return user.can(perms.WARNING_COMPOSE)

    def get_object(self, name):
        return world_warning(name)

    def create_data(self, actor):
        region = world.HONGKOU if actor == "neighbour_official" else world.YANGPU
        return form_data(region)

    def outside_data(self, actor):
        outside = {
            "district_official": world.HONGKOU,
            "neighbour_official": world.YANGPU,
            "admin": world.YINHANG,  # a street: no authority issues from there
        }
        return form_data(outside[actor])

    def test_out_of_scope_actions_are_404_and_change_nothing(self, db):
        client = self.client("neighbour_official")
        published = world_warning("yangpu_published")
        draft = world_warning("yangpu_draft")
        for name, alert, data in (
            ("alert_submit", draft, {"version": draft.version}),
            ("alert_discard", draft, {"version": draft.version}),
            ("alert_approve", draft, {"version": draft.version}),
            ("alert_update", published, {"version": published.version}),
            ("alert_cancel", published, {"version": published.version, "reason": "越权"}),
        ):
            response = client.post(reverse(f"cap:{name}", args=[alert.pk]), data)
            assert response.status_code == 404, name
        for alert in (published, draft):
            stored = CapAlert.objects.get(pk=alert.pk)
            assert (stored.state, stored.version) == (alert.state, alert.version)
        assert not CapAlert.objects.filter(replaces=published).exists()

    def test_a_street_officer_reads_the_districts_warning_but_cannot_act_on_it(self, db):
        published = world_warning("yangpu_published")
        client = self.client("street_officer")
        assert client.get(reverse("cap:alert_detail", args=[published.pk])).status_code == 200
        response = client.post(
            reverse("cap:alert_cancel", args=[published.pk]),
            {"version": published.version, "reason": "x"},
        )
        assert response.status_code == 403

    def test_the_public_xml_does_not_depend_on_scope(self, db):
        hongkou = world_warning("hongkou_published")
        assert Client().get(reverse("cap:alert_xml", args=[hongkou.identifier])).status_code == 200


# --- contacts ----------------------------------------------------------------------------------

CONTACTS = {  # name → (label, mobile)
    "yinhang": ("殷行街道", "13500000011"),
    "grid": ("殷行第1网格", "13500000012"),
    "pingliang": ("平凉路街道", "13500000013"),
    "hongkou": ("虹口街道", "13500000014"),
}
YANGPU_CONTACTS = {"yinhang", "grid", "pingliang"}
CONTACTS_VISIBLE = {
    "district_official": YANGPU_CONTACTS,
    "street_officer": {"yinhang", "grid"},
    "grid_member": {"grid"},
    "neighbour_official": {"hongkou"},
    "housing_official": set(),  # no warning.contacts
    "inspector": set(),
    "leader": set(),
    "enterprise_manager": set(),
    "expert": set(),
    "admin": set(CONTACTS),
}


def grid() -> str:
    return Region.objects.get(parent_id=world.YINHANG, level=RegionLevel.GRID).code


def hongkou_street() -> str:
    return world.enterprise("hongkou_shop").street_id


def contact_region(name: str) -> str:
    places = {"yinhang": world.YINHANG, "pingliang": world.PINGLIANG}
    if name == "grid":
        return grid()
    if name == "hongkou":
        return hongkou_street()
    return places[name]


def contact_name(name: str) -> str:
    return f"{CONTACTS[name][0]}预警联络人"


def world_contact(name: str) -> CapContact:
    existing = CapContact.objects.filter(name=contact_name(name)).first()
    if existing is not None:
        return existing
    return recipients.contact_add(
        by=world.actor("admin"),
        data={
            "region": Region.objects.get(code=contact_region(name)),
            "name": contact_name(name),
            "phone": CONTACTS[name][1],
        },
    )


def contact_form(actor: str, region: str) -> dict:
    return {"region": region, "name": f"新联络人{actor}", "title": "楼组长", "phone": "13500000099"}


class TestCapContactScoping(ScopedCrudTests):
    model = CapContact

    list_url = "cap:contact_list"
    detail_url = "cap:contact_deactivate"  # no page of its own: 停用 is its one URL (POST)
    create_url = "cap:contact_list"  # the list page's form adds a contact
    key_attribute = "name"
    visible = CONTACTS_VISIBLE
    creators = ("district_official", "street_officer", "grid_member", "neighbour_official")
    not_creators = ("housing_official", "inspector", "leader", "enterprise_manager", "expert")
    not_applicable = {
        "edit_url": "a contact is not edited: it is stopped (停用) and added again",
        "export_url": "contact lists are kept on their page; no Excel export",
        "api_list": "the API has no contact lists (they are kept on their page)",
        "api_detail": "the API has no contact lists",
    }

    def _view_action(self) -> str:
        return perms.WARNING_CONTACTS

    def _can_edit(self, user) -> bool:
        return False

    def get_object(self, name):
        return world_contact(name)

    def create_data(self, actor):
        inside = {
            "district_official": world.PINGLIANG,
            "grid_member": grid(),
            "neighbour_official": hongkou_street(),
        }
        return contact_form(actor, inside.get(actor, world.YINHANG))

    def outside_data(self, actor):
        outside = {
            "district_official": hongkou_street(),
            "street_officer": world.PINGLIANG,
            "grid_member": world.YINHANG,  # the street above the grid
            "neighbour_official": world.YINHANG,
        }
        return contact_form(actor, outside[actor])

    def test_anonymous_users_are_sent_to_login(self, db):
        contact = world_contact("yinhang")
        login = reverse("accounts:login")
        for method, url in (
            ("get", reverse(self.list_url)),
            ("post", reverse(self.create_url)),
            ("post", reverse(self.detail_url, args=[contact.pk])),
        ):
            response = getattr(Client(), method)(url, contact_form("anonymous", world.YINHANG))
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith(login), (method, url)
        assert CapContact.objects.get(pk=contact.pk).is_active
        assert not CapContact.objects.filter(name="新联络人anonymous").exists()

    def test_out_of_scope_detail_and_edit_are_404(self, db):
        """停用 of a contact outside one's scope is not found and stops nobody; inside, it
        works (so the 404s are the scope's)."""
        objects = self.objects()
        checked = 0
        for actor, expected in self.visible.items():
            if not world.actor(actor).can(self._view_action()):
                continue
            client = self.client(actor)
            for name, contact in objects.items():
                if name in expected:
                    continue
                response = client.post(reverse(self.detail_url, args=[contact.pk]))
                assert response.status_code == 404, (actor, name)
                checked += 1
        assert checked
        assert all(CapContact.objects.get(pk=c.pk).is_active for c in objects.values())
        grid_contact = objects["grid"]
        response = self.client("grid_member").post(reverse(self.detail_url, args=[grid_contact.pk]))
        assert response.status_code == 302
        assert not CapContact.objects.get(pk=grid_contact.pk).is_active

    def test_roles_without_the_contact_lists_cannot_stop_a_contact(self, db):
        contact = world_contact("yinhang")
        for actor in self.not_creators:
            response = self.client(actor).post(reverse(self.detail_url, args=[contact.pk]))
            assert response.status_code == 403, actor
        assert CapContact.objects.get(pk=contact.pk).is_active


# --- deliveries --------------------------------------------------------------------------------

# One delivery per world contact: to its mobile, of the warning whose area holds it.
DELIVERIES_VISIBLE = {
    "district_official": YANGPU_CONTACTS,
    "street_officer": {"yinhang", "grid"},
    "grid_member": {"grid"},
    "neighbour_official": {"hongkou"},
    # deliveries have no industry: a department sees its district's
    "housing_official": YANGPU_CONTACTS,
    "inspector": set(),  # no warning.view
    "leader": YANGPU_CONTACTS,
    "enterprise_manager": set(),
    "expert": set(),
    "admin": set(CONTACTS),
}


def reach_warning(district: str) -> CapAlert:
    """The published warning of 杨浦区 (for 殷行 and 平凉路) or of 虹口区 (for its street);
    the world's contacts are put on the lists first, so that it reaches them."""
    headline = f"送达范围测试：{district}"
    existing = CapAlert.objects.filter(headline=headline).first()
    if existing is not None:
        return existing
    for name in CONTACTS:
        world_contact(name)
    region, areas = {
        world.YANGPU: (world.YANGPU, [world.YINHANG, world.PINGLIANG]),
        world.HONGKOU: (world.HONGKOU, [hongkou_street()]),
    }[district]
    return alert_in(
        "published",
        region=region,
        headline=headline,
        polygon="",
        areas=list(Region.objects.filter(code__in=areas)),
    )


def world_delivery(name: str) -> CapDelivery:
    alert = reach_warning(world.HONGKOU if name == "hongkou" else world.YANGPU)
    return CapDelivery.objects.get(alert=alert, name=contact_name(name))


class TestCapDeliveryScoping(ScopedCrudTests):
    model = CapDelivery

    list_url = "cap:delivery_list"
    # No page of its own: a delivery is shown on its warning's deliveries page (the
    # per-record tests below open that page with the delivery's warning).
    detail_url = "cap:alert_deliveries"
    key_attribute = "name"
    visible = DELIVERIES_VISIBLE
    not_applicable = {
        "edit_url": "deliveries are written by publishing and moved by the sender and receipts",
        "create_url": "deliveries are queued by publishing a warning (delivery.queue_for)",
        "export_url": "deliveries and reach are read on their pages and the API; no Excel",
        "api_list": "the API lists deliveries per warning: /api/v1/warnings/{id}/deliveries "
        "(test_the_warning_api_lists_exactly_the_scope)",
        "api_detail": "the API has no delivery detail",
    }

    def _view_action(self) -> str:
        return perms.WARNING_VIEW

    def _can_edit(self, user) -> bool:
        return False

    def get_object(self, name):
        return world_delivery(name)

    def warnings(self) -> list[CapAlert]:
        return [reach_warning(world.YANGPU), reach_warning(world.HONGKOU)]

    def test_anonymous_users_are_sent_to_login(self, db):
        alert = world_delivery("yinhang").alert
        for url in (reverse(self.list_url), reverse(self.detail_url, args=[alert.pk])):
            response = Client().get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("accounts:login")), url

    def test_anonymous_api_calls_are_401(self, db):
        alert = world_delivery("yinhang").alert
        for url in (
            f"/api/v1/warnings/{alert.pk}/deliveries",
            f"/api/v1/warnings/{alert.pk}/reach",
            "/api/v1/warnings/reach",
        ):
            assert Client().get(url).status_code == 401, url

    def test_out_of_scope_detail_and_edit_are_404(self, db):
        """A warning's deliveries page: 404 when the warning is not readable; otherwise it
        shows exactly the deliveries to recipients inside the reader's scope."""
        objects = self.objects()
        checked = 0
        for actor, expected in self.visible.items():
            if not world.actor(actor).can(self._view_action()):
                continue
            client = self.client(actor)
            for name, delivery in objects.items():
                response = client.get(reverse(self.detail_url, args=[delivery.alert_id]))
                if name in expected:
                    assert response.status_code == 200, (actor, name)
                    assert f'data-delivery="{delivery.pk}"' in response.content.decode()
                    continue
                checked += 1
                if response.status_code == 404:
                    continue
                assert response.status_code == 200, (actor, name)
                assert f'data-delivery="{delivery.pk}"' not in response.content.decode(), (
                    actor,
                    name,
                )
        assert checked

    def test_the_warning_api_lists_exactly_the_scope(self, db):
        """/api/v1/warnings/{id}/deliveries: 404 for a warning one may not read; otherwise
        every delivery of it to a recipient inside one's scope, the world's others too."""
        everyone = {delivery.pk for delivery in self.objects().values()}
        readers = 0
        for actor, expected in self.visible.items():
            user = world.actor(actor)
            client = self.client(actor)
            for alert in self.warnings():
                url = f"/api/v1/warnings/{alert.pk}/deliveries"
                response = client.get(url, {"page_size": 500})
                if not user.can(self._view_action()):
                    assert response.status_code == 403, actor
                    continue
                named = {
                    world_delivery(name).pk
                    for name in expected
                    if world_delivery(name).alert_id == alert.pk
                }
                if response.status_code == 404:
                    assert not named, (actor, alert.headline)
                    continue
                assert response.status_code == 200, (actor, alert.headline)
                readers += 1
                ids = {item["id"] for item in response.json()["items"]}
                scope = scope_of(user)
                inside = {
                    d.pk
                    for d in CapDelivery.objects.filter(alert=alert)
                    if scope.covers_region(d.scope_region_code)
                }
                assert ids == inside, (actor, alert.headline)
                assert ids & everyone == named, (actor, alert.headline)
        assert readers
