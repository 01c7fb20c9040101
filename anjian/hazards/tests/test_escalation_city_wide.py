"""The city default of the overdue ladder applies to every district: only a user whose scope
is the whole deployment sets or removes it (issue 9, item 12); a district's administrator
and supervisors keep their own district's rungs."""

import re

import pytest
from django.urls import reverse

from anjian.core.exceptions import NotPermitted
from anjian.hazards import services
from anjian.hazards.models import EscalationRule
from anjian.regions.models import Region
from testsupport import world

pytestmark = pytest.mark.django_db
URL = reverse("hazards:escalation_rules")
CITY_DEFAULT = {"region": "", "grade": "", "target": "owner", "days_overdue": "2"}


@pytest.fixture
def district_admin():
    return world.administrator_of(world.YANGPU)


@pytest.fixture
def city_admin():
    return world.administrator_of("31")


def city_rule():
    return EscalationRule.objects.create(region=None, grade="", target="owner", days_overdue=1)


@pytest.mark.parametrize("who", ["district_admin", "district_official"])
def test_a_district_user_cannot_set_or_remove_the_city_default(who, request):
    user = request.getfixturevalue(who)
    rule = city_rule()

    with pytest.raises(NotPermitted) as refused:
        services.escalation_rule_set(by=user, region=None, grade="", target="owner", days_overdue=5)
    with pytest.raises(NotPermitted):
        services.escalation_rule_remove(by=user, rule_id=rule.pk)

    assert "全市统一配置" in str(refused.value)
    assert list(EscalationRule.objects.values_list("days_overdue", flat=True)) == [1]


def test_a_district_administrator_sets_the_ladder_of_its_own_district(district_admin):
    services.escalation_rule_set(
        by=district_admin,
        region=Region.objects.get(code=world.YANGPU),
        grade="",
        target="committee",
        days_overdue=9,
    )
    assert EscalationRule.objects.get(region_id=world.YANGPU).days_overdue == 9


@pytest.mark.parametrize("who", ["admin", "city_admin"])
def test_the_city_s_administrator_sets_the_city_default(who, request):
    services.escalation_rule_set(
        by=request.getfixturevalue(who), region=None, grade="", target="owner", days_overdue=2
    )
    assert EscalationRule.objects.get(region=None).days_overdue == 2


# --- the page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["district_admin", "district_official"])
def test_a_district_user_posting_the_city_default_gets_403_in_chinese(who, request, client_for):
    client = client_for(request.getfixturevalue(who))
    rule = city_rule()

    posted = client.post(URL, CITY_DEFAULT)
    removed = client.post(URL, {"remove": rule.pk})

    assert posted.status_code == removed.status_code == 403
    assert "全市统一配置" in posted.content.decode()
    assert "全市统一配置" in removed.content.decode()
    assert list(EscalationRule.objects.values_list("days_overdue", flat=True)) == [1]


def test_the_page_offers_the_city_default_only_city_wide(client_for, district_admin, city_admin):
    rule = city_rule()
    remove = f'name="remove" value="{rule.pk}"'

    district_page = client_for(district_admin).get(URL).content.decode()
    city_page = client_for(city_admin).get(URL).content.decode()

    city_choice = re.compile(r'<option value=""[^>]*>全市默认</option>')
    assert not city_choice.search(district_page)
    assert remove not in district_page
    assert city_choice.search(city_page)
    assert remove in city_page


def test_the_root_s_administrator_sets_the_city_default_from_the_page(client_for, city_admin):
    assert client_for(city_admin).post(URL, CITY_DEFAULT).status_code == 302
    assert EscalationRule.objects.get(region=None).days_overdue == 2
