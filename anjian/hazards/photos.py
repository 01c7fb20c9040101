"""Hazard photos: only real images, of bounded size, stored re-encoded with their time.

Every upload is opened with Pillow (a renamed PDF or script is refused), limited in bytes
and pixels, and stored as a fresh JPEG — which drops whatever else the file carried — with
the shooting time read from its EXIF data when the camera wrote one.
"""

import hashlib
from datetime import datetime
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO", "GIF", "BMP"}
MAX_PIXELS = 40_000_000
STORED_MAX_SIDE = 2560
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_IFD = 0x8769


class PreparedPhoto:
    def __init__(self, content: bytes, width: int, height: int, taken_at, name: str):
        self.content = content
        self.width = width
        self.height = height
        self.taken_at = taken_at
        self.sha256 = hashlib.sha256(content).hexdigest()
        self.name = name

    def as_file(self) -> ContentFile:
        return ContentFile(self.content, name=f"{self.sha256}.jpg")


def _taken_at(image: Image.Image):
    try:
        raw = image.getexif().get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL)
        if not raw:
            return None
        moment = datetime.strptime(str(raw).strip(), "%Y:%m:%d %H:%M:%S")
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    aware = timezone.make_aware(moment)
    return aware if aware <= timezone.now() else None


def prepare_photo(upload) -> PreparedPhoto:
    """Check one uploaded file and return it re-encoded; ValidationError in Chinese otherwise."""
    name = getattr(upload, "name", "") or _("照片")
    size = getattr(upload, "size", None)
    limit_mb = settings.PHOTO_MAX_BYTES // (1024 * 1024)
    if size is not None and size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s”超过 %(limit)s MB，请压缩后再上传") % {"name": name, "limit": limit_mb}
        )
    if size == 0:
        raise ValidationError(_("“%(name)s”是空文件") % {"name": name})
    try:
        upload.seek(0)
        data = upload.read(settings.PHOTO_MAX_BYTES + 1)
    except (OSError, AttributeError):
        raise ValidationError(_("无法读取“%(name)s”") % {"name": name}) from None
    if len(data) > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s”超过 %(limit)s MB，请压缩后再上传") % {"name": name, "limit": limit_mb}
        )
    try:
        with Image.open(BytesIO(data)) as probe:
            image_format = probe.format
            probe.verify()
        image = Image.open(BytesIO(data))
        if image_format not in ACCEPTED_FORMATS:
            raise UnidentifiedImageError(image_format)
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError(_("“%(name)s”像素过大") % {"name": name})
        taken_at = _taken_at(image)
        image = ImageOps.exif_transpose(image).convert("RGB")
        image.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE))
        out = BytesIO()
        image.save(out, "JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("“%(name)s”不是可识别的图片，请上传 JPG 或 PNG 照片") % {"name": name}
        ) from None
    return PreparedPhoto(out.getvalue(), image.width, image.height, taken_at, name)


def prepare_photos(uploads) -> list[PreparedPhoto]:
    """All or nothing: every file is checked before any is stored."""
    prepared, errors = [], []
    for upload in uploads or ():
        try:
            prepared.append(prepare_photo(upload))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"photos": errors})
    return prepared


def prepare_photos_noting(errors: dict, uploads, field: str = "photos") -> list[PreparedPhoto]:
    """``prepare_photos`` for a service that gathers every field's errors before refusing:
    a bad file adds its messages to ``errors[field]`` and nothing is prepared."""
    try:
        return prepare_photos(uploads)
    except ValidationError as error:
        errors[field] = error.message_dict["photos"]
        return []
