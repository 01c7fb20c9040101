"""hazard_report: who may record a hazard, on which enterprise, with what proof —
and that bad input is refused with a clear Chinese message and nothing written."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anjian.core.exceptions import NotPermitted, OutOfScope, ValidationError
from anjian.core.models import Notification
from anjian.hazards import services
from anjian.hazards.choices import Grade, PhotoStage, Source, State
from anjian.hazards.models import Hazard
from anjian.hazards.tests.factories import photo, report
from anjian.hazards.tests.support import ledger, major_clause, messages
from testsupport import world

REPORTERS = [name for name in world.ACTORS if world.VISIBLE[name] and name not in ("leader",)]
IN_SCOPE = [(actor, ent) for actor in REPORTERS for ent in sorted(world.VISIBLE[actor])]
OUT_OF_SCOPE = [
    (actor, ent)
    for actor in REPORTERS
    for ent in world.ENTERPRISES
    if ent not in world.VISIBLE[actor]
]


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PHOTO_MAX_BYTES = 10 * 1024 * 1024
    return tmp_path


def refused(media, error_type, **report_kwargs):
    """Report with ``report_kwargs``, expect ``error_type``, prove nothing was written."""
    before = ledger(media)
    with pytest.raises(error_type) as caught:
        report(**report_kwargs)
    assert ledger(media) == before
    return caught.value


# --- who, where ------------------------------------------------------------------------------


@pytest.mark.parametrize(("actor", "enterprise"), IN_SCOPE)
def test_anyone_who_may_report_records_a_hazard_of_an_enterprise_in_scope(actor, enterprise, media):
    by = world.actor(actor)
    found = world.enterprise(enterprise)

    source = Source.SELF_CHECK if actor == "enterprise_manager" else Source.INSPECTION

    hazard = report(by=by, enterprise=found, source=source)

    stored = Hazard.objects.get(pk=hazard.pk)
    assert stored.state == State.REPORTED
    assert stored.version == 1
    assert stored.grade == Grade.NONE
    assert stored.reported_by == by
    assert stored.scope_region_code == found.scope_region_code
    assert stored.industry_id == found.industry_id
    assert stored.found_month == timezone.localdate().replace(day=1)
    assert stored.number == f"YH{timezone.localtime(stored.found_at):%Y}{stored.pk:08d}"
    assert [(t.action, t.to_state, t.by) for t in stored.transitions.all()] == [
        ("report", State.REPORTED, by)
    ]
    assert list(stored.photos.values_list("stage", flat=True)) == [PhotoStage.FOUND]


def test_a_reported_hazard_is_searchable_by_its_number_and_words(media):
    hazard = report()

    stored = Hazard.objects.get(pk=hazard.pk)
    assert stored.number.lower() in stored.search_document
    assert "配电箱" in stored.search_document
    assert "上海殷行化工有限公司" in stored.search_document


def test_an_enterprise_user_reports_its_own_self_check_hazard(enterprise_manager, media):
    hazard = report(by=enterprise_manager, source=Source.SELF_CHECK)

    assert hazard.reported_by == enterprise_manager
    assert hazard.enterprise == world.enterprise("yinhang_chemical")


def test_a_hazard_the_government_found_is_announced_to_the_enterprise(
    grid_member, enterprise_manager, media
):
    hazard = report(by=grid_member, source=Source.PATROL)

    notice = Notification.objects.get(recipient=enterprise_manager, kind="hazard_reported")
    assert hazard.title in notice.title


def test_the_enterprise_is_not_told_of_its_own_report(enterprise_manager, media):
    report(by=enterprise_manager)

    assert not Notification.objects.filter(kind="hazard_reported").exists()


@pytest.mark.parametrize(("actor", "enterprise"), OUT_OF_SCOPE)
def test_reporting_on_an_enterprise_outside_scope_is_refused(actor, enterprise, media):
    error = refused(
        media, OutOfScope, by=world.actor(actor), enterprise=world.enterprise(enterprise)
    )

    assert error.field == "enterprise"


@pytest.mark.parametrize("actor", ["leader", "expert"])
def test_the_leader_and_the_expert_cannot_report(actor, media):
    refused(media, NotPermitted, by=world.actor(actor))


def test_a_major_hazard_clause_makes_the_report_major_at_once(media):
    clause = major_clause()

    hazard = report(clauses=[clause.pk])

    assert hazard.grade == Grade.MAJOR
    assert list(hazard.clauses.all()) == [clause]


def test_the_hazard_number_carries_the_local_year_it_was_found():
    # 2026-01-01 00:30 in Shanghai is still 2025 in UTC; the ledger is kept in local time.
    found_at = datetime(2025, 12, 31, 16, 30, tzinfo=UTC)

    hazard = report(found_at=found_at, photos=[])

    stored = Hazard.objects.get(pk=hazard.pk)
    assert stored.found_month.year == 2026
    assert stored.number.startswith("YH2026"), stored.number


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [Source.INSPECTION, Source.PATROL])
def test_an_inspection_or_patrol_report_needs_a_photo(source, media):
    error = refused(media, ValidationError, source=source, photos=[])

    assert messages(error, "photos") == ["监督检查和网格巡查发现的隐患须上传现场照片"]


@pytest.mark.parametrize("source", [Source.SELF_CHECK, Source.TIPOFF, Source.OTHER])
def test_other_sources_may_report_without_a_photo(source, media):
    hazard = report(source=source, photos=[])

    assert hazard.photos.count() == 0


def test_a_hazard_found_in_the_future_is_refused(media):
    error = refused(media, ValidationError, found_at=timezone.now() + timedelta(hours=2))

    assert messages(error, "found_at") == ["发现时间不能晚于当前时间"]


def test_a_clock_a_few_minutes_fast_is_tolerated(media):
    hazard = report(found_at=timezone.now() + timedelta(minutes=5))

    assert hazard.pk


def test_an_unknown_source_is_refused(media):
    error = refused(media, ValidationError, source="rumour")

    assert "source" in error.message_dict


@pytest.mark.parametrize("field", ["title", "description", "location"])
def test_a_blank_title_description_or_location_is_refused(field, media):
    error = refused(media, ValidationError, **{field: "   "})

    assert field in error.message_dict


def test_a_20_mb_upload_is_refused_with_the_limit(media):
    big = SimpleUploadedFile("大图.jpg", b"\xff\xd8\xff\xe0" + bytes(20 * 1024 * 1024))

    error = refused(media, ValidationError, photos=[big])

    assert messages(error, "photos") == ["“大图.jpg”超过 10 MB，请压缩后再上传"]


def test_a_pdf_named_like_a_photo_is_refused(media):
    pdf = SimpleUploadedFile("x.jpg", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF")

    error = refused(media, ValidationError, photos=[pdf])

    assert messages(error, "photos") == ["“x.jpg”不是可识别的图片，请上传 JPG 或 PNG 照片"]


def test_an_empty_file_is_refused(media):
    error = refused(media, ValidationError, photos=[SimpleUploadedFile("空.jpg", b"")])

    assert messages(error, "photos") == ["“空.jpg”是空文件"]


def test_one_bad_photo_refuses_the_whole_report_and_stores_none(media):
    bad = SimpleUploadedFile("坏.jpg", b"not an image at all")

    error = refused(media, ValidationError, photos=[photo("好.jpg"), bad, photo("也好.jpg")])

    assert messages(error, "photos") == ["“坏.jpg”不是可识别的图片，请上传 JPG 或 PNG 照片"]


def test_every_problem_is_reported_at_once(media):
    error = refused(
        media,
        ValidationError,
        source=Source.INSPECTION,
        photos=[],
        title="",
        found_at=timezone.now() + timedelta(days=1),
    )

    assert {"photos", "title", "found_at"} <= set(error.message_dict)


def test_an_inactive_clause_is_refused(media):
    clause = major_clause()
    clause.is_active = False
    clause.save()

    error = refused(media, ValidationError, clauses=[clause.pk])

    assert messages(error, "clauses") == ["所选判定条款不存在或已停用"]


def test_an_unknown_clause_is_refused(media):
    error = refused(media, ValidationError, clauses=[987654])

    assert "clauses" in error.message_dict


def test_the_service_itself_needs_no_photo_list(media, district_official):
    hazard = services.hazard_report(
        by=district_official,
        enterprise=world.enterprise("pingliang_factory"),
        source=Source.TIPOFF,
        title="消防通道堵塞",
        description="一号仓库消防通道堆放货物",
        location="一号仓库",
    )

    assert hazard.state == State.REPORTED
