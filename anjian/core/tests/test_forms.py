"""The Excel upload form shared by registry imports, and download file names."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse

from anjian.core.forms import ImportUploadForm, attachment

MODES = {"all": "有错误时全部不导入", "valid": "只导入无错误的行"}
XLSX = b"PK\x03\x04" + b"\x00" * 100


def upload(name="单位.xlsx", content=XLSX, mode="all") -> ImportUploadForm:
    return ImportUploadForm(
        {"mode": mode}, {"file": SimpleUploadedFile(name, content)}, modes=MODES
    )


def test_an_xlsx_file_is_accepted_and_left_readable_from_the_start():
    form = upload()
    assert form.is_valid(), form.errors
    assert form.cleaned_data["file"].read(4) == b"PK\x03\x04"
    assert form.cleaned_data["mode"] == "all"


def test_the_first_mode_is_the_default():
    assert ImportUploadForm(modes=MODES).fields["mode"].initial == "all"


def test_an_empty_file_is_refused():
    form = upload(content=b"")
    assert not form.is_valid()
    assert form.errors["file"]


def test_an_old_xls_name_is_refused_with_advice():
    form = upload(name="单位.xls")
    assert form.errors["file"] == ["请上传 .xlsx 格式的文件（旧版 .xls 请先另存为 .xlsx）"]


def test_a_file_named_xlsx_that_is_not_one_is_refused():
    form = upload(name="单位.XLSX", content=b"name,code\n")
    assert form.errors["file"] == ["文件内容不是有效的 .xlsx 表格"]


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    form = upload(content=XLSX + b"\x00" * (1024 * 1024))
    assert form.errors["file"] == ["文件超过 1 MB，请拆分后分批导入"]


def test_an_unknown_mode_is_refused():
    assert "mode" in upload(mode="some").errors


def test_download_names_keep_chinese_characters():
    response = HttpResponse()
    attachment(response, "生产经营单位 台账.xlsx")
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''%E7%94%9F%E4%BA%A7%E7%BB%8F%E8%90%A5%E5%8D%95%E4%BD%8D"
        "%20%E5%8F%B0%E8%B4%A6.xlsx"
    )
