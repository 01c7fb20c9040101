"""一企一档 (issue 11, item 18): the enterprise page shows the unit's risk points, hazards,
self-checks, devices, alarms, duty persons and documents — each section only for who may see
that kind of record, every number a link to the list that shows exactly those records, and
a fixed number of SQL statements however many records there are."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from anjian.accounts.models import User
from anjian.enterprises.models import Enterprise
from anjian.hazards import selectors as hazard_selectors
from anjian.hazards.choices import Grade, State
from anjian.hazards.lifecycle import listing_levels_for
from anjian.hazards.selfcheck import selectors as selfcheck_selectors
from anjian.hazards.services import listing_create, measure_create
from anjian.hazards.tests import selfcheck_factories
from anjian.hazards.tests.factories import hazard_in
from anjian.hazards.tests.support import make_overdue
from anjian.monitoring import selectors as monitoring_selectors
from anjian.monitoring.models import Device
from anjian.monitoring.services import duty_person_set
from anjian.monitoring.tests.factories import plain_alarm, plain_device
from anjian.regions.models import Region
from anjian.risks import selectors as risk_selectors
from anjian.risks.tests.factories import make_point
from testsupport import world

pytestmark = pytest.mark.django_db

# A number on the page: <a href="…" data-dossier="section-key" data-count="N">.
NUMBER_LINK = re.compile(
    r'<a\b[^>]*\bhref="([^"]+)"[^>]*\bdata-dossier="([^"]+)"[^>]*\bdata-count="(\d+)"'
)
HIGH = ("lec", {"L": 3, "E": 6, "C": 15})  # 较大 (orange)
LOW = ("lec", {"L": 1, "E": 1, "C": 1})  # 低 (blue)


def page_of(client, enterprise) -> str:
    response = client.get(reverse("enterprises:enterprise_detail", args=[enterprise.pk]))
    assert response.status_code == 200
    return response.content.decode()


def links_on(html: str) -> dict[str, tuple[str, int]]:
    return {key: (unescape(href), int(n)) for href, key, n in NUMBER_LINK.findall(html)}


def listed(user, href: str) -> int:
    """How many records the list behind ``href`` shows, read the way that list reads them."""
    parts = urlsplit(href)
    query = QueryDict(parts.query)
    name = resolve(parts.path).view_name
    if name == "hazards:hazard_list":
        filterset = hazard_selectors.hazard_filter(user, query)
    elif name == "risks:risk_point_list":
        filterset = risk_selectors.risk_point_filter(user, query)
    elif name == "monitoring:console":
        filterset = monitoring_selectors.device_filter(user, query)
    elif name == "monitoring:alarm_list":
        filterset = monitoring_selectors.alarm_filter(user, query)
    elif name == "selfcheck:plan_list":
        return selfcheck_selectors.plan_list(user, enterprise_id=int(query["enterprise"])).count()
    elif name == "selfcheck:record_list":
        enterprise_id = int(query["enterprise"])
        return selfcheck_selectors.record_list(user, enterprise_id=enterprise_id).count()
    else:
        raise AssertionError(f"a number links to {name}, which this test cannot count")
    assert filterset.is_valid(), (href, filterset.errors)
    return filterset.qs.count()


def _keeper_of(enterprise) -> User:
    """The enterprise's safety manager (the world has one for the chemical company)."""
    if enterprise == world.enterprise("yinhang_chemical"):
        return world.actor("enterprise_manager")
    return selfcheck_factories.enterprise_user("yinhang_site")


def build_records(enterprise, *, n: int = 1) -> None:
    """``n`` of each kind of record for ``enterprise`` (through the services where they
    exist): hazards in the states that matter, risk points by colour, a check record,
    devices (one online) with an open alarm, a duty person, a listing and a measure."""
    official = world.actor("district_official")
    for _ in range(n):
        hazard_in(State.REPORTED, enterprise=enterprise)
        hazard_in(State.CLOSED, enterprise=enterprise)
        hazard_in(State.VOID, enterprise=enterprise)
        make_overdue(hazard_in(State.RECTIFYING, enterprise=enterprise))
        major = hazard_in(State.REGISTERED, grade=Grade.MAJOR, enterprise=enterprise)
        listing_create(
            by=official,
            hazard_id=major.pk,
            level=listing_levels_for(official)[0],
            authority="杨浦区安委办",
            document_number=f"杨安委督〔2026〕{major.pk}号",
            deadline=timezone.localdate() + timedelta(days=30),
        )
        measure_create(
            by=official,
            data={
                "region": Region.objects.get(code=world.YANGPU),
                "problem": "配电箱反复出现门未关闭",
                "measure": "每班交接检查配电箱门锁",
                "lead_unit": "区应急局",
                "deadline": timezone.localdate() + timedelta(days=60),
            },
            hazards=[major],
        )
        make_point(enterprise, assess=HIGH)
        make_point(enterprise, assess=LOW)
        make_point(enterprise)
        keeper = _keeper_of(enterprise)
        plan = selfcheck_factories.plan(
            by=keeper, enterprise=enterprise, name=f"每日检查{Device.objects.count()}"
        )
        selfcheck_factories.submit(plan, by=keeper)
        count = Device.objects.count()
        online = plain_device(enterprise, f"TK-{count + 1}")
        Device.objects.filter(pk=online.pk).update(state="online")
        plain_alarm(plain_device(enterprise, f"TK-{count + 2}"))
    manager = world.actor("enterprise_manager")
    if manager.enterprise_link.enterprise_id == enterprise.pk:
        duty_person_set(by=world.actor("admin"), enterprise=enterprise, user=manager)


@pytest.fixture
def chemical(db):
    """The world's chemical company with records of every kind, and a neighbour in the same
    street with its own (which must not be counted)."""
    enterprise = world.enterprise("yinhang_chemical")
    build_records(enterprise)
    build_records(world.enterprise("yinhang_site"))
    return enterprise


EVERY_NUMBER = {
    *(f"risks-{key}" for key in ("total", "red", "orange", "yellow", "blue", "none")),
    *(f"hazards-{key}" for key in ("open", "overdue", "major_open", "all", "listed")),
    "selfcheck-plans",
    "selfcheck-records",
    *(f"monitoring-{key}" for key in ("devices", "online", "not_online", "open_alarms")),
    "documents-risk_cards",
}


@pytest.mark.parametrize(
    "actor", ["district_official", "street_officer", "enterprise_manager", "leader", "admin"]
)
def test_every_number_opens_exactly_the_records_it_counts(chemical, client_for, actor):
    user = world.actor(actor)
    client = client_for(user)
    links = links_on(page_of(client, chemical))
    assert set(links) == EVERY_NUMBER
    wrong = [(key, href, shown, listed(user, href)) for key, (href, shown) in links.items()]
    wrong = [row for row in wrong if row[2] != row[3]]
    assert not wrong, "number ≠ its list (key, href, shown, listed):\n" + "\n".join(map(str, wrong))
    for key, (href, _shown) in links.items():
        assert client.get(href).status_code == 200, (key, href)


def test_the_numbers_are_the_enterprise_s_own(chemical, client_for):
    links = links_on(page_of(client_for(world.actor("district_official")), chemical))
    shown = {key: count for key, (_href, count) in links.items()}
    assert shown["hazards-all"] == 5 and shown["hazards-open"] == 3
    assert shown["hazards-overdue"] == 1 and shown["hazards-major_open"] == 1
    assert shown["hazards-listed"] == 1
    assert (shown["risks-total"], shown["risks-orange"], shown["risks-blue"]) == (3, 1, 1)
    assert shown["risks-none"] == 1
    assert (shown["selfcheck-plans"], shown["selfcheck-records"]) == (1, 1)
    assert (shown["monitoring-devices"], shown["monitoring-online"]) == (2, 1)
    assert (shown["monitoring-not_online"], shown["monitoring-open_alarms"]) == (1, 1)


def test_the_page_shows_the_latest_records_duty_persons_and_documents(chemical, client_for):
    html = page_of(client_for(world.actor("district_official")), chemical)
    assert "配电箱门未关闭" in html  # a hazard among the latest
    assert "杨安委督〔2026〕" in html  # its listing document
    assert "每班交接检查配电箱门锁" in html  # the measure naming it
    assert "每日检查" in html  # the check record's plan
    assert world.actor("enterprise_manager").name in html  # on duty
    for key in ("standardisation", "insurance"):
        assert f'data-certificate="{key}"' in html
    for anchor in ("registry", "dossier-risks", "dossier-hazards", "dossier-documents"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html


@pytest.mark.parametrize(
    ("denied", "gone", "kept"),
    [
        ({"risk.view"}, ("risks-", "documents-risk_cards"), ("hazards-", "monitoring-")),
        ({"hazard.view", "selfcheck.manage"}, ("hazards-", "selfcheck-"), ("risks-",)),
        ({"monitor.view"}, ("monitoring-",), ("risks-", "hazards-")),
    ],
)
def test_a_section_shows_only_to_who_may_see_that_kind_of_record(
    chemical, client_for, monkeypatch, denied, gone, kept
):
    can = User.can

    def can_but(self, action: str) -> bool:
        return action not in denied and can(self, action)

    monkeypatch.setattr(User, "can", can_but)
    html = page_of(client_for(world.actor("district_official")), chemical)
    keys = set(links_on(html))
    assert not any(key.startswith(gone) for key in keys), keys
    for prefix in kept:
        assert any(key.startswith(prefix) for key in keys), prefix
    if "hazard.view" in denied:
        assert "杨安委督〔2026〕" not in html and "每班交接检查配电箱门锁" not in html
    if "monitor.view" in denied:
        assert 'id="dossier-duty"' not in html


def statements(client, enterprise) -> int:
    with CaptureQueriesContext(connection) as captured:
        page_of(client, enterprise)
    return len(captured)


def test_the_page_s_statement_count_does_not_grow_with_the_records(chemical, client_for):
    client = client_for(world.actor("district_official"))
    statements(client, chemical)  # the session and caches warm
    few = statements(client, chemical)
    build_records(chemical, n=3)  # four times as many of every kind
    many = statements(client, chemical)
    assert many == few, f"{few} statements with few records, {many} with more"
    assert few <= 60


def test_the_enterprise_user_s_home_links_to_its_file(client_for):
    manager = world.actor("enterprise_manager")
    html = client_for(manager).get(reverse("web:home")).content.decode()
    url = reverse("enterprises:enterprise_detail", args=[world.enterprise("yinhang_chemical").pk])
    assert f'href="{url}"' in html and "一企一档" in html


def test_documents_say_whether_each_certificate_is_valid(client_for):
    enterprise = world.enterprise("yinhang_chemical")
    today = timezone.localdate()
    Enterprise.objects.filter(pk=enterprise.pk).update(
        standardisation_grade="2",
        standardisation_expires=today + timedelta(days=10),
        insured_until=today - timedelta(days=1),
    )
    html = page_of(client_for(world.actor("district_official")), enterprise)
    certificates = {
        part.split('"', 1)[0]: part[: part.index("</span>\n    </div>")]
        for part in html.split('data-certificate="')[1:]
    }
    assert "30天内到期" in certificates["standardisation"]
    assert "已过期" in certificates["insurance"]
