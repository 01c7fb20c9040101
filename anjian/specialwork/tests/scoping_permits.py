"""The generated scoping tests of the permit pages (``testsupport.scoped.ScopedCrudTests``):
anonymous → login, wrong role → 403, out of scope → 404 (read and edit), a permit placed
outside the scope writes nothing, the list, its Excel and the API hold exactly the scope.

Collected where the guard looks for it (``core/tests/test_scoping_guard.py``):
``anjian/specialwork/tests/test_scoping.py`` imports ``TestPermitScoping``. Each world
enterprise gets one draft 受限空间 permit starting now, applied for by the administrator
(who may act for any enterprise); its place names the enterprise's key. Only an enterprise's
own users apply (the officials see, ``permit.issue`` is not theirs); an enterprise user's
permit is always its own, so "outside its scope" is a place outside it: another
enterprise's 危化品单元 (refused by the form: not among its own units)."""

from datetime import timedelta

from django.utils import timezone

from anjian.hazchem.tests import factories as hazchem
from anjian.specialwork import permissions as perms
from anjian.specialwork import services
from anjian.specialwork.models import Permit
from testsupport import world
from testsupport.scoped import ScopedCrudTests


def start_now():
    return timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)


def form_data(**changes) -> dict:
    start = start_now() + timedelta(hours=1)
    data = {
        "kind": "confined",
        "place": "新申请的作业点",
        "content": "罐内检修",
        "planned_start": start.strftime("%Y-%m-%dT%H:%M"),
        "planned_end": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "guardian": "王监护",
        "workers": "张三、李四",
    }
    data.update(changes)
    return data


class TestPermitScoping(ScopedCrudTests):
    model = Permit
    list_url = "specialwork:permit_list"
    detail_url = "specialwork:permit_detail"
    edit_url = "specialwork:permit_edit"
    create_url = "specialwork:permit_create"
    export_url = "specialwork:permit_export"
    export_key_header = "作业票编号"
    key_attribute = "number"
    visible = world.VISIBLE
    creators = ("enterprise_manager",)
    not_creators = ("district_official", "street_officer", "grid_member", "inspector", "leader")
    api_list = "/api/v1/specialwork/permits"
    api_detail = "/api/v1/specialwork/permits/{pk}"

    def get_object(self, name: str) -> Permit:
        place = f"{name}作业点"
        found = Permit.objects.filter(place=place).first()
        if found is not None:
            return found
        start = timezone.now().replace(second=0, microsecond=0)
        data = {
            "enterprise": world.enterprise(name).pk,
            "kind": "confined",
            "place": place,
            "content": "检修",
            "planned_start": start,
            "planned_end": start + timedelta(hours=4),
            "guardian": "监护人",
            "workers": ["作业人"],
        }
        return services.permit_create(world.actor("admin"), data=data)

    def create_data(self, actor: str) -> dict:
        return form_data(place=f"{actor}新申请")

    def outside_data(self, actor: str) -> dict:
        admin = world.actor("admin")
        elsewhere = hazchem.unit(admin, enterprise="hongkou_shop", name="虹口越界单元")
        return form_data(place=f"{actor}越界申请", unit=str(elsewhere.pk))

    def _view_action(self) -> str:
        return perms.SPECIALWORK_VIEW

    def _export_action(self) -> str:
        return perms.SPECIALWORK_VIEW

    def _can_edit(self, user) -> bool:
        return user.can(perms.PERMIT_ISSUE)
