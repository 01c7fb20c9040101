"""``anjian verify_draw --draw <id>``: a stored draw re-runs to what is stored beside it;
an edited record, fingerprint or task list is named (exit 1); no such draw is exit 2."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anjian.inspections.models import Draw
from anjian.inspections.tests import factories


@pytest.fixture
def drawn(district_official):
    return factories.drawn(district_official, count=2)


def check(pk: int) -> None:
    call_command("verify_draw", "--draw", str(pk))


def test_a_stored_draw_verifies(drawn, capsys):
    check(drawn.pk)

    out = capsys.readouterr().out
    assert f"（编号 {drawn.pk}）复核一致：种子 {drawn.seed}，2 个检查对象" in out


def test_an_edited_assignment_in_the_stored_record_is_named(drawn, capsys):
    document = json.loads(drawn.record)
    first = document["assignments"][0]
    first["inspectors"] = [first["inspectors"][0], first["inspectors"][0] + 1000]
    Draw.objects.filter(pk=drawn.pk).update(record=json.dumps(document, ensure_ascii=False))

    with pytest.raises(CommandError, match="复核不一致") as failed:
        check(drawn.pk)

    assert failed.value.returncode == 1
    err = capsys.readouterr().err
    assert "按记录的种子重新抽取，结果与记录不一致" in err
    assert "检查任务与抽取记录中的结果不一致" in err


def test_an_edited_stored_fingerprint_is_named(drawn, capsys):
    Draw.objects.filter(pk=drawn.pk).update(inspector_fingerprint="0" * 64)

    with pytest.raises(CommandError) as failed:
        check(drawn.pk)

    assert failed.value.returncode == 1
    assert capsys.readouterr().err.strip() == "记录中的执法人员名录指纹与登记的不同"


def test_a_task_moved_to_another_inspector_is_named(drawn, capsys):
    task = drawn.tasks.first()
    task.inspectors.remove(task.inspectors.first())

    with pytest.raises(CommandError) as failed:
        check(drawn.pk)

    assert failed.value.returncode == 1
    assert "检查任务与抽取记录中的结果不一致" in capsys.readouterr().err


def test_a_missing_draw_is_exit_2(db):
    with pytest.raises(CommandError, match="没有编号为 999999 的抽取") as failed:
        check(999999)

    assert failed.value.returncode == 2


@pytest.mark.parametrize("arguments", [(), ("record.json", "--draw", "1")])
def test_it_takes_exactly_one_of_a_file_or_a_draw(arguments, db):
    with pytest.raises(CommandError, match="二者选一") as failed:
        call_command("verify_draw", *arguments)

    assert failed.value.returncode == 2
