"""anjian standards list / import: Chinese output, non-zero exit status with the errors."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anjian.hazards.models import StandardDocument
from anjian.hazards.tests.library_support import TEST_CODE, edition

ROOT = Path(__file__).resolve().parents[3]


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("standards", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing(*args) -> tuple[CommandError, str]:
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("standards", *args, stdout=StringIO(), stderr=err)
    return caught.value, err.getvalue()


@pytest.fixture
def good_file(tmp_path) -> Path:
    path = tmp_path / "标准.json"
    path.write_text(json.dumps(edition(), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def bad_file(tmp_path) -> Path:
    data = edition(domain="mining")
    data["clauses"][1]["code"] = "T-01"
    path = tmp_path / "坏标准.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_list_prints_each_edition_with_status_and_clause_counts(db):
    out, _err = run("list")
    assert (
        "应急管理部令第10号\t工贸企业重大事故隐患判定标准（2023）\t工贸企业\t启用\t条款 17/17"
        in out
    )
    assert "GB 35181-2017" in out


def test_import_adds_an_edition_and_reports_the_changes(db, good_file):
    out, _err = run("import", str(good_file))
    assert f"新增标准“{TEST_CODE}”：新增 3 条" in out
    assert "  新增 T-01" in out
    assert StandardDocument.objects.get(code=TEST_CODE).clauses.count() == 3


def test_a_dry_run_reports_and_writes_nothing(db, good_file):
    out, _err = run("import", str(good_file), "--dry-run")
    assert out.startswith("［预览，未写入］")
    assert not StandardDocument.objects.filter(code=TEST_CODE).exists()


def test_a_bad_file_exits_non_zero_listing_every_problem(db, bad_file):
    error, err = failing("import", str(bad_file))
    assert error.returncode == 1
    assert "1 个文件未能导入" in str(error)
    assert "2 处错误" in err
    assert "标准信息【适用领域】“mining”无法识别" in err
    assert "第 2 个条款（T-01）【条款编号】“T-01”与第 1 个条款（T-01）重复" in err
    assert not StandardDocument.objects.filter(code=TEST_CODE).exists()


def test_a_bad_file_fails_the_dry_run_too(db, bad_file):
    error, _err = failing("import", str(bad_file), "--dry-run")
    assert error.returncode == 1


def test_import_without_a_file_is_an_error(db):
    error, _err = failing("import")
    assert str(error) == "请指定要导入的标准文件，或使用 --shipped"


def test_the_shipped_files_reimport_without_changes(db):
    out, _err = run("import", "--shipped")
    assert out.count("已是最新，没有变化") == 4


def test_the_console_script_exits_with_status_1_on_a_missing_file(tmp_path):
    env = {**os.environ, "ANJIAN_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "anjian", "standards", "import", str(tmp_path / "无.json")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "无法打开" in result.stderr
    assert "1 个文件未能导入" in result.stderr
