"""anjian risk_library check / load: Chinese output, non-zero exit status with the problems,
nothing written by a dry run or a bad file."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anjian.risks import library
from anjian.risks.models import RiskLibraryEntry


def run(*args) -> str:
    out = StringIO()
    call_command("risk_library", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def failing(*args) -> tuple[CommandError, str]:
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("risk_library", *args, stdout=StringIO(), stderr=err)
    return caught.value, err.getvalue()


@pytest.fixture
def renamed_file(tmp_path):
    """The shipped 危化 file with its tank farm renamed."""
    data = json.loads((library.DATA_DIR / "hazchem.json").read_text(encoding="utf-8"))
    data["entries"][0]["name"] = "储罐区（新名称）"
    path = tmp_path / "hazchem.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_check_validates_every_shipped_file(db):
    count = len(library.shipped_files())
    assert f"{count} 个文件、" in run("check")


def test_loading_the_shipped_files_again_changes_nothing(db):
    out = run("load")
    assert "风险点库：新增 0 条，修改 0 条，未变" in out
    assert "不在文件中" not in out


def test_a_dry_run_shows_the_change_and_writes_nothing(db, renamed_file):
    out = run("load", str(renamed_file), "--dry-run")
    assert out.startswith("［预览，未写入］风险点库：新增 0 条，修改 1 条，未变 2 条")
    assert "修改 hazchem-tank-farm（name）" in out
    assert RiskLibraryEntry.objects.get(code="hazchem-tank-farm").name == "危险化学品储罐区"


def test_load_writes_the_change(db, renamed_file):
    run("load", str(renamed_file))
    assert RiskLibraryEntry.objects.get(code="hazchem-tank-farm").name == "储罐区（新名称）"


def test_a_bad_file_fails_with_its_problems_and_writes_nothing(db, renamed_file):
    data = json.loads(renamed_file.read_text(encoding="utf-8"))
    data["entries"][1]["kind"] = "room"
    renamed_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    error, err = failing("load", str(renamed_file))
    assert "1 处错误，未写入任何内容" in str(error)
    assert "hazchem.json 第 2 条（hazchem-loading）：kind（风险点类型）" in err
    assert RiskLibraryEntry.objects.get(code="hazchem-tank-farm").name == "危险化学品储罐区"
