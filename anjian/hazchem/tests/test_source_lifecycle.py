"""A major hazard source's lifecycle (``lifecycle.SOURCE``, ``services_sources``): filed by
the authority, back to 待备案 when its grade changes, closed only when its unit no longer
qualifies, reopened when it qualifies again — every step on its timeline, the people who
must act told, and the forms on its page.

Figures (RULES.md §1): 氯 Q 5 t, β 4; α = 2 (120 people). 10 t → S 2, R 16, 三级;
35 t → R 56, 二级; 2 t → S 0.4, not a source."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.core.models import Notification
from anjian.hazchem import services_sources
from anjian.hazchem.choices import SourceState
from anjian.hazchem.tests import factories as make
from testsupport import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    unit = make.unit()
    line = make.add(unit, "氯", "10")
    found = make.source_of(unit)
    found.line = line
    return found


def file(source, by=None, **values):
    source.refresh_from_db()
    data = {"filed_on": timezone.localdate(), "filing_number": "杨应急危备〔2026〕1号", **values}
    return services_sources.source_file(
        by or world.actor("district_official"),
        source_id=source.pk,
        expected_version=source.version,
        **data,
    )


def close(source, by=None, **values):
    source.refresh_from_db()
    data = {"closed_on": timezone.localdate(), "reason": "储罐拆除，评估报告确认不再构成", **values}
    return services_sources.source_close(
        by or world.actor("district_official"),
        source_id=source.pk,
        expected_version=source.version,
        **data,
    )


def actions(source) -> list[str]:
    return list(source.transitions.order_by("at", "id").values_list("action", flat=True))


def test_a_new_source_is_due_for_filing_in_15_days_and_its_people_are_told(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        unit = make.unit()
        make.add(unit, "氯", "10")
    found = make.source_of(unit)
    assert found.state == SourceState.IDENTIFIED
    assert found.filing_due_on == found.identified_on + timedelta(days=15)
    assert actions(found) == ["identify"]
    told = set(
        Notification.objects.filter(kind="hazchem").values_list("recipient__username", flat=True)
    )
    # The unit's own users must file it; the district's officials may accept it. The
    # district official made the unit: it is told too (it did not act on the source).
    assert {"enterprise_manager", "district_official"} <= told
    assert "neighbour_official" not in told


def test_the_authority_files_a_source_and_its_assessment_falls_due_in_three_years(source):
    filed = file(source)
    assert filed.state == SourceState.FILED
    assert filed.filed_grade == filed.grade == "3"
    assert filed.assessment_due_on.year == filed.filed_on.year + 3
    assert actions(filed) == ["identify", "file"]


def test_filing_is_refused_with_a_reason_on_each_field(source):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        file(source, filed_on=tomorrow, filing_number="")
    errors = refused.value.message_dict
    assert errors["filed_on"] == [f"不能晚于今天（{timezone.localdate().isoformat()}）"]
    assert errors["filing_number"] == ["请填写备案编号"]
    with pytest.raises(ValidationError) as early:
        file(source, filed_on=source.identified_on - timedelta(days=1))
    assert early.value.message_dict["filed_on"][0].startswith("不能早于辨识日期")
    with pytest.raises(ValidationError):
        file(source, filed_on="明天")


def test_the_unit_itself_and_viewers_cannot_file(source):
    with pytest.raises(NotPermitted):
        file(source, by=world.actor("enterprise_manager"))
    with pytest.raises(NotPermitted):
        file(source, by=world.actor("leader"))


def test_a_stale_page_cannot_file(source):
    stale = source.version
    make.change(source.line, "35")  # regraded to 二级: the source's version moves on
    with pytest.raises(Conflict):
        services_sources.source_file(
            world.actor("district_official"),
            source_id=source.pk,
            expected_version=stale,
            filed_on=timezone.localdate(),
            filing_number="1号",
        )
    source.refresh_from_db()
    assert source.state == SourceState.IDENTIFIED


def test_a_filed_source_whose_grade_changes_is_back_to_be_filed_with_the_reason(source):
    file(source)
    make.change(source.line, "35")  # R 56: 二级
    source.refresh_from_db()
    assert (source.state, source.grade, source.filed_grade) == (SourceState.IDENTIFIED, "2", "3")
    assert source.filing_due_on == timezone.localdate() + timedelta(days=15)
    last = source.transitions.order_by("-at", "-id").first()
    assert (last.action, last.from_state, last.to_state) == ("reidentify", "filed", "identified")
    assert last.reason == "级别由三级变为二级，须重新备案"


def test_a_grade_change_before_filing_is_an_event_not_a_transition(source):
    make.change(source.line, "35")
    source.refresh_from_db()
    assert source.state == SourceState.IDENTIFIED and source.grade == "2"
    assert actions(source) == ["identify", "regrade"]


def test_a_source_is_closed_only_when_its_unit_no_longer_qualifies(source):
    with pytest.raises(Conflict) as refused:
        close(source)
    assert "仍构成重大危险源" in str(refused.value)
    make.change(source.line, "2")  # S 0.4
    source.refresh_from_db()
    assert not source.qualifies and actions(source) == ["identify", "lapse"]
    with pytest.raises(ValidationError) as no_reason:
        close(source, reason=" ")
    assert no_reason.value.message_dict["reason"] == ["请填写核销理由"]
    closed = close(source)
    assert closed.state == SourceState.CLOSED and closed.closed_reason.startswith("储罐拆除")


def test_a_closed_source_whose_unit_qualifies_again_is_reopened(source):
    make.change(source.line, "2")
    close(source)
    make.change(source.line, "10")
    source.refresh_from_db()
    assert (source.state, source.qualifies, source.closed_on) == (
        SourceState.IDENTIFIED,
        True,
        None,
    )
    assert source.closed_reason == ""
    assert actions(source)[-1] == "reidentify"


# --- the page -----------------------------------------------------------------------------


def test_the_authority_files_from_the_page_and_the_unit_sees_no_form(client_for, source):
    url = reverse("hazchem:source_detail", args=[source.pk])
    official = client_for(world.actor("district_official"))
    assert 'id="action-file"' in official.get(url).content.decode()
    own = client_for(world.actor("enterprise_manager")).get(url).content.decode()
    assert 'id="action-file"' not in own
    source.refresh_from_db()
    data = {
        "version": source.version,
        "filed_on": timezone.localdate().isoformat(),
        "filing_number": "杨应急危备〔2026〕7号",
    }
    response = official.post(reverse("hazchem:source_file", args=[source.pk]), data)
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.state == SourceState.FILED and source.filing_number.endswith("7号")
    page = official.get(url).content.decode()
    assert "杨应急危备〔2026〕7号" in page and 'data-action="file"' in page


def test_a_bad_filing_form_shows_its_errors_and_writes_nothing(client_for, source):
    official = client_for(world.actor("district_official"))
    response = official.post(
        reverse("hazchem:source_file", args=[source.pk]),
        {"version": source.version, "filed_on": "2026-13-01", "filing_number": ""},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "请填写备案编号" in page and "备案日期格式不对" in page
    source.refresh_from_db()
    assert source.state == SourceState.IDENTIFIED


def test_closing_a_source_that_still_qualifies_is_a_conflict_on_the_page(client_for, source):
    official = client_for(world.actor("district_official"))
    response = official.post(
        reverse("hazchem:source_close", args=[source.pk]),
        {"version": source.version, "closed_on": timezone.localdate().isoformat(), "reason": "x"},
    )
    assert response.status_code == 409
    assert "仍构成重大危险源" in response.content.decode()
