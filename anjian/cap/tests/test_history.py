"""The 变更记录 on a warning's page: the fields a composer wrote, by their Chinese labels —
never internal names such as ``successors — cap.CapAlert.None``."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from anjian.cap import selectors, services
from anjian.cap.tests.factories import alert_data, alert_in, published_update

INTERNAL = (
    "successors",
    "transitions",
    "cap.CapAlert",
    "cap.CapAlertTransition",
    "created_by",
    "created by",
    "updated by",
    "submitted by",
    "approved by",
    "language",
    "version",
)


def shown(rows) -> list[tuple[str, str, str]]:
    return [change for row in rows for change in row.changes]


def history_card(page: str) -> str:
    return page[page.index('id="history"') :]


def test_the_page_shows_only_labelled_fields_a_composer_wrote(client_for, district_official):
    alert = services.alert_create(by=district_official, data=alert_data())
    services.alert_edit(
        by=district_official,
        alert_id=alert.pk,
        data={**alert_data(), "headline": "改过的标题"},
        expected_version=alert.version,
    )
    page = client_for(district_official).get(alert.get_absolute_url()).content.decode()
    card = history_card(page)
    assert "标题" in card and "改过的标题" in card
    for name in INTERNAL:
        assert name not in card, name


def test_an_update_names_the_warning_it_replaces_by_its_headline(db):
    original = alert_in("published", headline="原来的高温预警")
    update = published_update(original, headline="更新后的高温预警")
    labels = {label: new for label, _old, new in shown(selectors.history(update))}
    assert labels["所更新/取消的报文"] == "原来的高温预警"
    assert labels["报文类型"] == "更新"
    assert not any(name in str(labels) for name in INTERNAL)


@pytest.mark.django_db
def test_entries_written_before_the_fix_lose_their_internal_names():
    """Entries recorded while every column (and the reverse relations) was tracked."""
    alert = alert_in("draft")
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(alert),
        object_pk=str(alert.pk),
        object_id=alert.pk,
        object_repr=str(alert),
        action=LogEntry.Action.UPDATE,
        changes={
            "successors": ["None", "cap.CapAlert.None"],
            "transitions": ["None", "cap.CapAlertTransition.None"],
            "state": ["draft", "pending"],
            "headline": ["旧标题", "新标题"],
        },
    )
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(alert),
        object_pk=str(alert.pk),
        object_id=alert.pk,
        object_repr=str(alert),
        action=LogEntry.Action.UPDATE,
        changes={"successors": ["None", "cap.CapAlert.None"]},
    )
    rows = selectors.history(alert)
    assert ("标题", "旧标题", "新标题") in shown(rows)
    assert not any(name in str(shown(rows)) for name in INTERNAL)
    assert all(row.changes for row in rows if row.action == LogEntry.Action.UPDATE)
