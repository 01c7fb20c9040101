"""Bad input at 上账, 提请验收 and 即查即改 is refused with nothing lost; the edge cases
that are accepted."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anjian.core.exceptions import ValidationError
from anjian.hazards import services
from anjian.hazards.choices import Grade, State
from anjian.hazards.models import Hazard
from anjian.hazards.tests.factories import hazard_in, photo, register_data, report
from anjian.hazards.tests.support import major_clause, messages, run
from anjian.hazards.tests.transition_support import assert_refused


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- bad input at 上账 -----------------------------------------------------------------------


def test_a_deadline_in_the_past_is_refused(district_official, media):
    hazard = hazard_in(State.REPORTED)

    error = assert_refused(
        media,
        hazard,
        ValidationError,
        "register",
        by=district_official,
        deadline=timezone.localdate() - timedelta(days=1),
    )

    assert messages(error, "deadline") == ["整改期限不能早于今天"]


def test_a_deadline_of_today_is_accepted(district_official):
    hazard = hazard_in(State.REPORTED)

    registered = run("register", by=district_official, hazard=hazard, deadline=timezone.localdate())

    assert registered.state == State.REGISTERED


@pytest.mark.parametrize(
    ("missing", "field", "message"),
    [
        ("deadline", "deadline", "请填写整改期限"),
        ("owner_name", "owner_name", "请填写整改责任人"),
        ("measures", "measures", "请填写整改措施"),
    ],
)
def test_registering_needs_deadline_owner_and_measures(
    missing, field, message, district_official, media
):
    hazard = hazard_in(State.REPORTED)
    blank = None if missing == "deadline" else "  "

    error = assert_refused(
        media, hazard, ValidationError, "register", by=district_official, **{missing: blank}
    )

    assert messages(error, field) == [message]


def test_a_major_hazard_without_its_five_implementations_is_refused(district_official, media):
    hazard = hazard_in(State.REPORTED)

    error = assert_refused(
        media,
        hazard,
        ValidationError,
        "register",
        by=district_official,
        grade=Grade.MAJOR,
        funds=None,
        contingency_plan="",
        interim_measures=" ",
    )

    assert messages(error, "funds") == ["重大隐患须落实整改资金"]
    assert messages(error, "contingency_plan") == ["重大隐患须落实应急预案"]
    assert messages(error, "interim_measures") == ["重大隐患须落实整改期间的临时安全措施"]


def test_negative_funds_are_refused(district_official, media):
    hazard = hazard_in(State.REPORTED)

    error = assert_refused(
        media,
        hazard,
        ValidationError,
        "register",
        by=district_official,
        grade=Grade.MAJOR,
        funds=Decimal("-1"),
    )

    assert messages(error, "funds") == ["整改资金不能为负数"]


def test_grading_general_a_hazard_reported_with_a_major_clause_is_refused(district_official, media):
    hazard = report(clauses=[major_clause().pk])

    error = assert_refused(
        media, hazard, ValidationError, "register", by=district_official, grade=Grade.GENERAL
    )

    assert messages(error, "grade") == ["已符合重大事故隐患判定条款，不能定为一般隐患"]


def test_grading_general_while_picking_a_major_clause_is_refused(district_official, media):
    hazard = hazard_in(State.REPORTED)

    error = assert_refused(
        media,
        hazard,
        ValidationError,
        "register",
        by=district_official,
        grade=Grade.GENERAL,
        clauses=[major_clause().pk],
    )

    assert messages(error, "grade") == ["已符合重大事故隐患判定条款，不能定为一般隐患"]


@pytest.mark.parametrize("grade", ["", "serious"])
def test_registering_needs_a_known_grade(grade, district_official, media):
    hazard = hazard_in(State.REPORTED)

    error = assert_refused(
        media, hazard, ValidationError, "register", by=district_official, grade=grade
    )

    assert messages(error, "grade") == ["请选择隐患等级"]


def test_registering_major_with_its_clause_records_the_clause(district_official):
    clause = major_clause()
    hazard = hazard_in(State.REPORTED)

    data = register_data(Grade.MAJOR, clauses=[clause.pk])
    services.hazard_register(
        by=district_official, hazard_id=hazard.pk, expected_version=hazard.version, **data
    )

    assert list(Hazard.objects.get(pk=hazard.pk).clauses.all()) == [clause]


# --- bad input at 提请验收 and 即查即改 ---------------------------------------------------------


def test_submitting_without_an_after_photo_is_refused(district_official, media):
    hazard = hazard_in(State.RECTIFYING)

    error = assert_refused(
        media, hazard, ValidationError, "submit", by=district_official, photos=[]
    )

    assert messages(error, "photos") == ["请上传整改后的照片"]


def test_submitting_without_a_note_is_refused(district_official, media):
    hazard = hazard_in(State.RECTIFYING)

    error = assert_refused(
        media, hazard, ValidationError, "submit", by=district_official, rectification_note=" "
    )

    assert messages(error, "rectification_note") == ["请填写整改情况"]


def test_submitting_with_a_file_that_is_no_photo_is_refused(district_official, media):
    hazard = hazard_in(State.RECTIFYING)
    fake = SimpleUploadedFile("整改后.jpg", b"%PDF-1.4 not a photo")

    error = assert_refused(
        media, hazard, ValidationError, "submit", by=district_official, photos=[photo(), fake]
    )

    assert messages(error, "photos") == ["“整改后.jpg”不是可识别的图片，请上传 JPG 或 PNG 照片"]


def test_closing_on_the_spot_without_an_after_photo_is_refused(district_official, media):
    hazard = hazard_in(State.REPORTED)

    error = assert_refused(
        media, hazard, ValidationError, "close_on_spot", by=district_official, after_photos=[]
    )

    assert messages(error, "after_photos") == ["即查即改须有整改后照片"]


def test_closing_on_the_spot_without_any_before_photo_is_refused(district_official, media):
    hazard = hazard_in(State.REPORTED, photos=[])

    error = assert_refused(media, hazard, ValidationError, "close_on_spot", by=district_official)

    assert messages(error, "before_photos") == ["即查即改须有整改前照片"]


def test_closing_on_the_spot_with_a_before_photo_taken_now_is_accepted(district_official):
    hazard = hazard_in(State.REPORTED, photos=[])

    closed = run("close_on_spot", by=district_official, hazard=hazard, before_photos=[photo()])

    assert closed.state == State.CLOSED
    assert closed.photos.count() == 2


def test_closing_a_major_hazard_on_the_spot_is_refused(district_official, media):
    hazard = report(clauses=[major_clause().pk])

    error = assert_refused(media, hazard, ValidationError, "close_on_spot", by=district_official)

    assert error.messages == ["重大事故隐患不能即查即改销号，须上账整改并由政府部门验收"]
