"""A draw record as a file: written, read back, re-run by anyone (``anjian verify_draw``);
tampering and malformed files are named, not crashed on."""

import json

import pytest
from django.core.management import CommandError, call_command

from anjian.inspections import records
from anjian.inspections.draw import Inspector, Rules, Target, draw
from anjian.inspections.tests.test_draw import pools


def record_text(**rule_changes) -> str:
    targets, inspectors = pools(targets=60, inspectors=12)
    rules = Rules(count=8, weighted=True, conflicts=frozenset({(1003, 5)}), **rule_changes)
    result = draw("2026-Q4-杨浦", targets, inspectors, rules)
    return records.dumps(result, targets, inspectors, rules)


def edited(text: str, change) -> str:
    document = json.loads(text)
    change(document)
    return json.dumps(document, ensure_ascii=False)


def test_a_written_record_reads_back_and_checks_out():
    text = record_text()
    record = records.loads(text)

    assert records.check(records.loads(text)) == []
    assert len(record.result.assignments) == 8
    assert (1003, 5) in record.rules.conflicts
    assert (
        records.dumps(record.result, list(record.targets), list(record.inspectors), record.rules)
        == text
    )


def test_a_changed_result_is_found():
    def swap(document):
        first = document["assignments"][0]["inspectors"]
        document["assignments"][0]["inspectors"] = [first[0], first[0] + 1]

    assert records.check(records.loads(edited(record_text(), swap))) == [
        "按记录的种子重新抽取，结果与记录不一致"
    ]


def test_a_changed_pool_breaks_its_fingerprint():
    def drop_target(document):
        document["targets"].pop()

    def move_inspector(document):
        document["inspectors"][0]["home_regions"].append("310109")  # no pool member has it

    assert records.check(records.loads(edited(record_text(), drop_target))) == [
        "检查对象名录库与抽取时不同（指纹不符）"
    ]
    assert records.check(records.loads(edited(record_text(), move_inspector))) == [
        "执法检查人员名录库与抽取时不同（指纹不符）"
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("seed"), "记录缺少“seed”"),
        (lambda d: d.update(format="other"), "不是抽取记录"),
        (lambda d: d["targets"][2].update(id="3"), "第 3 个检查对象的“id”格式不对"),
        (lambda d: d["targets"][0].update(weight=True), "第 1 个检查对象的“weight”格式不对"),
        (
            lambda d: d["rules"].update(conflicts=[[1, 2, 3]]),
            "抽取规则的“conflicts”应为",
        ),
        (lambda d: d["assignments"][1].update(inspectors=["a"]), "第 2 条抽取结果的“inspectors”"),
        (lambda d: d["fingerprints"].pop("rules"), "指纹缺少“rules”"),
    ],
)
def test_a_malformed_record_is_named(change, message):
    with pytest.raises(records.RecordError, match=message):
        records.loads(edited(record_text(), change))


def test_not_json_says_where():
    with pytest.raises(records.RecordError, match="第 1 行第 2 列"):
        records.loads("{oops")


def test_the_command_confirms_a_good_record(tmp_path, capsys):
    path = tmp_path / "draw.json"
    path.write_text(record_text(), encoding="utf-8")

    call_command("verify_draw", str(path))

    assert "抽取记录复核一致：种子 2026-Q4-杨浦，8 个检查对象" in capsys.readouterr().out


def test_the_command_fails_on_a_tampered_record_and_on_a_bad_file(tmp_path, capsys):
    tampered = tmp_path / "tampered.json"
    tampered.write_text(edited(record_text(), lambda d: d.update(seed="another")), encoding="utf-8")
    with pytest.raises(CommandError, match="不符") as failed:
        call_command("verify_draw", str(tampered))
    assert failed.value.returncode == 1
    assert "结果与记录不一致" in capsys.readouterr().err

    broken = tmp_path / "broken.json"
    broken.write_text("[]", encoding="utf-8")
    with pytest.raises(CommandError, match="无法复核：不是抽取记录") as unreadable:
        call_command("verify_draw", str(broken))
    assert unreadable.value.returncode == 2

    with pytest.raises(CommandError, match="无法读取") as missing:
        call_command("verify_draw", str(tmp_path / "missing.json"))
    assert missing.value.returncode == 2


def test_a_region_that_is_not_a_plain_code_is_still_written_as_json():
    targets = [Target(1, ""), Target(2, '31"0\\1'), Target(3, "310110016", 2.5)]
    inspectors = [Inspector(7), Inspector(8)]
    rules = Rules(count=2)
    result = draw("seed", targets, inspectors, rules)
    text = records.dumps(result, targets, inspectors, rules)
    assert [t["region"] for t in json.loads(text)["targets"]] == ["", '31"0\\1', "310110016"]
    assert records.check(records.loads(text)) == []
    assert text.count("\n") > 8  # one member per line
