"""Whether a major hazard source must be monitored online (``services_sources.
source_set_monitoring``): the authority's decision with its reason, on the source's
timeline; a source that need not be is not counted by the 在线监测率. The unit itself may
not decide it; a stale page, a closed source or a missing reason is refused."""

import pytest
from django.urls import reverse

from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.hazchem import selectors_coverage, services_sources
from anjian.hazchem.tests import factories as make
from anjian.hazchem.tests.test_source_lifecycle import close
from testsupport import world

pytestmark = pytest.mark.django_db

REASON = "经专家论证，桶装仓库不设液位监测"


@pytest.fixture
def source():
    unit = make.unit()
    line = make.add(unit, "氯", "10")
    found = make.source_of(unit)
    found.line = line
    return found


def set_monitoring(source, required, by=None, reason=REASON, version=None):
    source.refresh_from_db()
    return services_sources.source_set_monitoring(
        by or world.actor("district_official"),
        source_id=source.pk,
        expected_version=source.version if version is None else version,
        required=required,
        reason=reason,
    )


def test_a_source_that_need_not_be_monitored_leaves_the_rate_and_says_why(source):
    official = world.actor("district_official")
    assert source in selectors_coverage.counted(official)
    changed = set_monitoring(source, False)
    assert changed.monitoring_required is False and changed.version == source.version + 1
    assert source not in selectors_coverage.counted(official)
    event = source.transitions.get(action="monitoring")
    assert event.reason == REASON and event.data == {"required": False}
    assert event.by == official and event.from_state == ""
    back = set_monitoring(source, True, reason="复核后恢复在线监测要求")
    assert back.monitoring_required is True and source in selectors_coverage.counted(official)


def test_asking_for_what_it_already_is_changes_nothing(source):
    before = source.version
    assert set_monitoring(source, True, reason="").version == before
    assert not source.transitions.filter(action="monitoring").exists()


def test_the_unit_itself_a_viewer_and_another_district_cannot_decide(source):
    with pytest.raises(NotPermitted):
        set_monitoring(source, False, by=world.actor("enterprise_manager"))
    with pytest.raises(NotPermitted):
        set_monitoring(source, False, by=world.actor("leader"))
    with pytest.raises(OutOfScope):
        set_monitoring(source, False, by=world.actor("neighbour_official"))
    source.refresh_from_db()
    assert source.monitoring_required is True


def test_a_reason_is_required_a_stale_page_and_a_closed_source_are_refused(source):
    with pytest.raises(ValidationError) as refused:
        set_monitoring(source, False, reason="  ")
    assert refused.value.message_dict == {"reason": ["请填写理由或依据"]}
    with pytest.raises(ValidationError):
        set_monitoring(source, "no")
    with pytest.raises(Conflict):
        set_monitoring(source, False, version=source.version - 1)
    make.change(source.line, "2")  # no longer qualifies
    close(source)
    with pytest.raises(Conflict) as closed:
        set_monitoring(source, False)
    assert "不能调整在线监测要求" in str(closed.value)


def test_the_authority_decides_on_the_page_and_the_unit_sees_no_form(client_for, source):
    url = reverse("hazchem:source_detail", args=[source.pk])
    own = client_for(world.actor("enterprise_manager")).get(url).content.decode()
    assert 'id="action-monitoring"' not in own
    official = client_for(world.actor("district_official"))
    assert 'id="action-monitoring"' in official.get(url).content.decode()
    post = reverse("hazchem:source_monitoring", args=[source.pk])
    empty = official.post(post, {"version": source.version, "required": "0", "reason": ""})
    assert empty.status_code == 422 and "请填写理由或依据" in empty.content.decode()
    saved = official.post(post, {"version": source.version, "required": "0", "reason": REASON})
    assert saved.status_code == 302
    source.refresh_from_db()
    assert source.monitoring_required is False
    assert REASON in official.get(url).content.decode()


def test_the_api_decides_with_403_409_and_422(api_client_for, source):
    path = f"/api/v1/hazchem/sources/{source.pk}/monitoring-requirement"

    def post(actor, body):
        client = api_client_for(world.actor(actor))
        return client.post(path, body, content_type="application/json")

    body = {"version": source.version, "required": False, "reason": REASON}
    assert post("enterprise_manager", body).status_code == 403
    assert post("neighbour_official", body).status_code == 404
    assert post("district_official", {**body, "reason": ""}).status_code == 422
    assert post("district_official", {**body, "version": 99}).status_code == 409
    answer = post("district_official", body)
    assert answer.status_code == 200 and answer.json()["monitoring_required"] is False
