"""Every role against the warning pages (generated tests, STYLE habit 4), and the widening:
issued warnings of the regions above a user are readable, drafts are not."""

from django.test import Client
from django.urls import reverse

from anjian.cap import permissions as perms
from anjian.cap.models import CapAlert
from anjian.cap.tests.factories import alert_in, form_data
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
