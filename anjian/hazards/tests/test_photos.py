"""Hazard photos: only real images of bounded size and pixel count, stored as fresh JPEGs
with the shooting time read from EXIF — and adding photos to an open hazard."""

import struct
import zlib
from datetime import datetime, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.hazards import services
from anjian.hazards.choices import PhotoStage, State
from anjian.hazards.models import Hazard, HazardPhoto
from anjian.hazards.photos import MAX_PIXELS, STORED_MAX_SIDE, prepare_photo, prepare_photos
from anjian.hazards.tests.factories import hazard_in, photo, report
from anjian.hazards.tests.support import files_in, ledger, messages, stored
from testsupport import world

EXIF_IFD = 0x8769
DATETIME_ORIGINAL = 0x9003
ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PHOTO_MAX_BYTES = 10 * 1024 * 1024
    return tmp_path


def image_file(name="现场.jpg", *, fmt="JPEG", size=(64, 48), mode="RGB", exif=None):
    buffer = BytesIO()
    image = Image.new(mode, size, 128 if mode in ("L", "1", "P") else (200, 60, 40))
    options = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **options)
    return SimpleUploadedFile(name, buffer.getvalue())


def shot_at(moment: str, **extra) -> Image.Exif:
    exif = Image.Exif()
    exif.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] = moment
    for tag, value in extra.items():
        exif[int(tag)] = value
    return exif


def png_header_claiming(width: int, height: int) -> SimpleUploadedFile:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    content = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("炸弹.png", content)


def stored_image(photo_row: HazardPhoto) -> Image.Image:
    with photo_row.image.open("rb") as handle:
        image = Image.open(BytesIO(handle.read()))
        image.load()
    return image


# --- what is accepted, and how it is stored -----------------------------------------------------


def test_the_shooting_time_is_read_from_exif():
    prepared = prepare_photo(image_file(exif=shot_at("2026:01:15 08:30:00")))

    assert prepared.taken_at == timezone.make_aware(datetime(2026, 1, 15, 8, 30))
    assert timezone.localtime(prepared.taken_at).hour == 8


def test_a_stored_photo_keeps_its_shooting_time():
    hazard = report(photos=[image_file(exif=shot_at("2026:01:15 08:30:00"))])

    row = hazard.photos.get()
    assert row.taken_at == timezone.make_aware(datetime(2026, 1, 15, 8, 30))
    assert row.stage == PhotoStage.FOUND
    assert row.uploaded_by == world.actor("district_official")


def test_a_photo_without_exif_has_no_shooting_time():
    assert prepare_photo(image_file()).taken_at is None


@pytest.mark.parametrize("moment", ["2099:01:01 00:00:00", "0000:00:00 00:00:00", "yesterday"])
def test_an_impossible_shooting_time_is_ignored(moment):
    assert prepare_photo(image_file(exif=shot_at(moment))).taken_at is None


def test_a_png_is_accepted_and_stored_as_jpeg(media):
    hazard = report(photos=[image_file("截图.png", fmt="PNG", mode="RGBA")])

    row = hazard.photos.get()
    assert row.image.name.endswith(".jpg")
    assert stored_image(row).format == "JPEG"
    assert (row.width, row.height) == (64, 48)
    assert len(row.sha256) == 64
    assert files_in(media) == 1


@pytest.mark.parametrize(("fmt", "mode"), [("WEBP", "RGB"), ("GIF", "P"), ("BMP", "RGB")])
def test_other_common_image_formats_are_accepted(fmt, mode):
    prepared = prepare_photo(image_file(f"x.{fmt.lower()}", fmt=fmt, mode=mode))

    assert Image.open(BytesIO(prepared.content)).format == "JPEG"


def test_a_stored_photo_drops_what_else_the_file_carried():
    exif = shot_at("2026:01:15 08:30:00")
    exif[0x010F] = "Camera maker"  # Make
    prepared = prepare_photo(image_file(exif=exif))

    assert not Image.open(BytesIO(prepared.content)).getexif()


def test_a_photo_taken_sideways_is_stored_upright():
    prepared = prepare_photo(
        image_file(size=(64, 48), exif=shot_at("2026:01:15 08:30:00", **{str(ORIENTATION): 6}))
    )

    assert (prepared.width, prepared.height) == (48, 64)


def test_a_large_photo_is_scaled_down_for_storage():
    prepared = prepare_photo(image_file(size=(STORED_MAX_SIDE * 2, 1000)))

    assert max(prepared.width, prepared.height) == STORED_MAX_SIDE


# --- what is refused ---------------------------------------------------------------------------


@pytest.mark.parametrize("side", [int(MAX_PIXELS**0.5) + 100, 10_000], ids=["just-over", "100mp"])
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_an_image_with_too_many_pixels_is_refused(side):
    with pytest.raises(ValidationError) as refused:
        prepare_photo(png_header_claiming(side, side))

    assert refused.value.messages == ["“炸弹.png”像素过大"]


def test_a_decompression_bomb_is_refused():
    with pytest.raises(ValidationError) as refused:
        prepare_photo(png_header_claiming(20_000, 20_000))

    assert refused.value.messages == ["“炸弹.png”不是可识别的图片，请上传 JPG 或 PNG 照片"]


def test_a_report_with_a_decompression_bomb_stores_nothing(media):
    before = ledger(media)

    with pytest.raises(ValidationError) as refused:
        report(photos=[photo(), png_header_claiming(20_000, 20_000)])

    assert "photos" in refused.value.message_dict
    assert ledger(media) == before


def test_an_upload_over_the_limit_is_refused_before_it_is_read(settings):
    settings.PHOTO_MAX_BYTES = 2 * 1024 * 1024
    big = SimpleUploadedFile("大图.jpg", b"\xff\xd8" + bytes(3 * 1024 * 1024))

    with pytest.raises(ValidationError) as refused:
        prepare_photo(big)

    assert refused.value.messages == ["“大图.jpg”超过 2 MB，请压缩后再上传"]


def test_a_stream_without_a_size_is_cut_off_at_the_limit(settings):
    settings.PHOTO_MAX_BYTES = 1024 * 1024

    class Stream(BytesIO):
        name = "流.jpg"

    with pytest.raises(ValidationError) as refused:
        prepare_photo(Stream(b"\xff\xd8" + bytes(2 * 1024 * 1024)))

    assert refused.value.messages == ["“流.jpg”超过 1 MB，请压缩后再上传"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n",
            "不是可识别的图片，请上传 JPG 或 PNG 照片",
        ),
        (b"<script>alert(1)</script>", "不是可识别的图片，请上传 JPG 或 PNG 照片"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "不是可识别的图片，请上传 JPG 或 PNG 照片"),
        (b"", "是空文件"),
    ],
    ids=["pdf", "script", "truncated-jpeg", "empty"],
)
def test_what_is_not_an_image_is_refused(content, message):
    with pytest.raises(ValidationError) as refused:
        prepare_photo(SimpleUploadedFile("x.jpg", content))

    assert refused.value.messages == [f"“x.jpg”{message}"]


def test_an_image_of_an_unaccepted_format_is_refused():
    with pytest.raises(ValidationError):
        prepare_photo(image_file("扫描.tif", fmt="TIFF"))


def test_every_bad_file_is_named_and_none_is_kept():
    with pytest.raises(ValidationError) as refused:
        prepare_photos(
            [photo("好.jpg"), SimpleUploadedFile("a.jpg", b""), SimpleUploadedFile("b.jpg", b"x")]
        )

    assert messages(refused.value, "photos") == [
        "“a.jpg”是空文件",
        "“b.jpg”不是可识别的图片，请上传 JPG 或 PNG 照片",
    ]


# --- adding photos to an open hazard -----------------------------------------------------------


@pytest.mark.parametrize("stage", [PhotoStage.BEFORE, PhotoStage.AFTER])
def test_photos_are_added_to_an_open_hazard(stage, enterprise_manager, media):
    hazard = hazard_in(State.RECTIFYING)
    files = files_in(media)

    added = services.hazard_add_photos(
        by=enterprise_manager, hazard_id=hazard.pk, stage=stage, photos=[photo(), photo("二.jpg")]
    )

    assert [p.stage for p in added] == [stage, stage]
    assert files_in(media) == files + 2
    entry = Hazard.objects.get(pk=hazard.pk).transitions.order_by("at", "id").last()
    assert (entry.action, entry.data) == ("photo", {"stage": stage, "count": 2})


@pytest.mark.parametrize("state", [State.CLOSED, State.VOID])
def test_photos_are_not_added_to_a_closed_or_void_hazard(state, district_official, media):
    hazard = hazard_in(state)
    before = ledger(media)

    with pytest.raises(Conflict):
        services.hazard_add_photos(
            by=district_official, hazard_id=hazard.pk, stage=PhotoStage.AFTER, photos=[photo()]
        )

    assert ledger(media) == before


@pytest.mark.parametrize(
    ("stage", "count", "field"),
    [("selfie", 1, "stage"), (PhotoStage.AFTER, 0, "photos")],
)
def test_adding_photos_needs_a_stage_and_a_photo(stage, count, field, district_official, media):
    hazard = hazard_in(State.RECTIFYING)
    before = ledger(media)

    with pytest.raises(ValidationError) as refused:
        services.hazard_add_photos(
            by=district_official,
            hazard_id=hazard.pk,
            stage=stage,
            photos=[photo() for _ in range(count)],
        )

    assert field in refused.value.message_dict
    assert ledger(media) == before


def test_adding_a_bad_photo_adds_none(district_official, media):
    hazard = hazard_in(State.RECTIFYING)
    before = stored(hazard), ledger(media)

    with pytest.raises(ValidationError):
        services.hazard_add_photos(
            by=district_official,
            hazard_id=hazard.pk,
            stage=PhotoStage.AFTER,
            photos=[photo(), SimpleUploadedFile("坏.jpg", b"%PDF-1.4")],
        )

    assert (stored(hazard), ledger(media)) == before


@pytest.mark.parametrize(
    ("actor", "error"),
    [
        ("leader", NotPermitted),
        ("expert", Hazard.DoesNotExist),
        ("neighbour_official", Hazard.DoesNotExist),
    ],
)
def test_only_those_who_report_or_rectify_in_scope_add_photos(actor, error, media):
    hazard = hazard_in(State.RECTIFYING)
    before = ledger(media)

    with pytest.raises(error):
        services.hazard_add_photos(
            by=world.actor(actor), hazard_id=hazard.pk, stage=PhotoStage.AFTER, photos=[photo()]
        )

    assert ledger(media) == before


def test_the_same_photo_uploaded_twice_is_stored_twice_under_distinct_names(district_official):
    hazard = hazard_in(State.RECTIFYING)
    same = photo()

    services.hazard_add_photos(
        by=district_official, hazard_id=hazard.pk, stage=PhotoStage.AFTER, photos=[same, same]
    )

    names = list(hazard.photos.filter(stage=PhotoStage.AFTER).values_list("image", flat=True))
    assert len(names) == len(set(names)) == 2


def test_a_photo_shot_long_before_the_hazard_was_found_is_still_kept_with_its_time():
    # Recorded, not refused: the reviewer sees when the photo was really taken.
    found_at = timezone.now() - timedelta(hours=1)
    hazard = report(found_at=found_at, photos=[image_file(exif=shot_at("2025:06:01 09:00:00"))])

    assert hazard.photos.get().taken_at < found_at
