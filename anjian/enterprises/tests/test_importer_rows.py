"""Excel import, row by row: every bad cell reported on its row and column, duplicates
naming each other, and the two modes — all rows or the valid ones, never half a row."""

import pytest
from django.db import IntegrityError, connection

from anjian.enterprises.importer import MODE_ALL, MODE_VALID, import_enterprises
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.import_support import imported, messages, row, run, xlsx
from testsupport import world

# --- row errors ---------------------------------------------------------------------------


def test_a_bad_credit_code_is_reported_on_its_row(district_official):
    good = world.credit_code(10_020)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    result = run([row(20, credit_code=bad), row(21, credit_code="123")], user=district_official)
    assert "【统一社会信用代码】" in messages(result, 2)
    assert f"应为“{good[-1]}”" in messages(result, 2)
    assert "应为18位（当前3位）" in messages(result, 3)
    assert result.created == 0


def test_a_credit_code_stored_as_an_excel_number_is_explained(district_official):
    digits_only = next(
        world.credit_code(n) for n in range(10_030, 10_100) if world.credit_code(n).isdigit()
    )
    result = run(
        [row(30, credit_code=int(digits_only)), row(31, credit_code=float(digits_only))],
        user=district_official,
    )
    for number in (2, 3):
        assert "被Excel存成了数字" in messages(result, number)
    assert result.created == 0


def test_duplicates_within_the_file_name_each_other(district_official):
    code = world.credit_code(10_040)
    result = run(
        [row(40, credit_code=code), row(41), row(42, credit_code=code.lower())],
        user=district_official,
    )
    assert "【统一社会信用代码】与第 4 行重复" in messages(result, 2)
    assert "【统一社会信用代码】与第 2 行重复" in messages(result, 4)
    assert 3 not in result.errors


def test_three_copies_of_a_code_each_name_the_other_two(district_official):
    code = world.credit_code(10_043)
    result = run([row(n, credit_code=code) for n in (43, 44, 45)], user=district_official)
    assert "与第 3、4 行重复" in messages(result, 2)
    assert "与第 2、3 行重复" in messages(result, 4)


def test_a_code_already_registered_names_the_existing_enterprise(district_official, enterprises):
    result = run(
        [row(46, credit_code=enterprises["pingliang_factory"].credit_code)], user=district_official
    )
    message = messages(result, 2)
    assert "【统一社会信用代码】" in message
    assert "上海平凉机械制造有限公司" in message
    assert "平凉路街道" in message


def test_a_code_registered_outside_the_importers_scope_is_still_a_duplicate(
    street_officer, enterprises
):
    result = run(
        [row(47, credit_code=enterprises["hongkou_shop"].credit_code)], user=street_officer
    )
    assert "上海虹口超市有限公司" in messages(result, 2)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"street": "不存在街道"}, "【所属街镇】街镇“不存在街道”不存在或不在您的管辖范围内"),
        ({"street": ""}, "【所属街镇】"),
        ({"street": world.YINHANG + "W001"}, "【所属街镇】街镇“310110016W001”不存在"),  # a grid
        ({"grid": "第99网格"}, "【所属网格/社区】网格/社区“第99网格”不存在或不属于所填街镇"),
        ({"industry": "航天"}, "【监管行业】“航天”不存在或不在您的监管范围内"),
        ({"supervising_department": "火星管理局"}, "【监管部门】“火星管理局”不存在"),
        ({"employees": "很多"}, "【从业人员数】"),
        ({"employees": -3}, "【从业人员数】"),
        ({"principal_phone": "12"}, "【主要负责人电话】"),
        ({"economic_code": "E2614"}, "【国民经济行业代码】大类 26 不属于门类 E"),
        ({"supervision_grade": "E"}, "【分级分类监管等级】“E”无效，可选：A、B、C、D"),
        ({"insured_until": "明年"}, "【安责险有效期至】"),
        ({"standardisation_grade": "三级"}, "【标准化有效期至】已达标的单位请填写标准化有效期"),
        ({"dust_explosion": "也许"}, "【粉尘涉爆】“也许”无效，可选：是、否"),
        ({"latitude": 39.9, "longitude": 116.4}, "【纬度】坐标"),
        ({"name": ""}, "【单位名称】"),
    ],
)
def test_each_bad_cell_is_reported_with_its_column(district_official, overrides, expected):
    result = run([row(50, **overrides)], user=district_official)
    assert expected in messages(result, 2)
    assert result.created == 0


def test_a_street_outside_the_importers_scope_is_refused(street_officer):
    result = run([row(60, street="平凉路街道")], user=street_officer)
    assert "【所属街镇】街镇“平凉路街道”不存在或不在您的管辖范围内" in messages(result, 2)


def test_an_industry_outside_the_departments_scope_is_refused(housing_official):
    result = run([row(61)], user=housing_official)  # 危险化学品 is not 建管委's
    assert "【监管行业】“危险化学品”不存在或不在您的监管范围内" in messages(result, 2)


def test_every_problem_of_a_row_is_reported_at_once(district_official):
    result = run(
        [row(62, street="不存在街道", employees="很多", economic_code="E2614")],
        user=district_official,
    )
    text = messages(result, 2)
    assert "【所属街镇】" in text
    assert "【从业人员数】" in text
    assert "【国民经济行业代码】" in text


# --- one message per cell, the most specific; column order; the unit named ---------------


@pytest.mark.parametrize(
    ("overrides", "header", "expected"),
    [
        ({"street": "不存在街道"}, "所属街镇", "街镇“不存在街道”不存在或不在您的管辖范围内"),
        ({"industry": "航天"}, "监管行业", "“航天”不存在或不在您的监管范围内"),
        ({"supervision_grade": "X"}, "分级分类监管等级", "“X”无效，可选：A、B、C、D"),
        ({"scale": "中型"}, "规模", "“中型”无效"),
        ({"credit_code": 913101101234567890}, "统一社会信用代码", "被Excel存成了数字"),
    ],
)
def test_a_filled_cell_naming_nothing_gets_one_message_not_also_required(
    district_official, overrides, header, expected
):
    result = run([row(63, **overrides)], user=district_official)
    about_cell = [m for m in result.errors[2] if m.startswith(f"【{header}】")]
    assert len(about_cell) == 1, about_cell
    assert expected in about_cell[0]
    assert "必填" not in messages(result, 2)


@pytest.mark.parametrize(
    ("key", "typed", "allowed"),
    [
        ("supervision_grade", "X", "A、B、C、D"),
        ("scale", "中型", "规上、规下"),
        ("standardisation_grade", "四级", "一级、二级、三级"),
        ("status", "倒闭", "在营、停产、歇业、注销"),
        ("confined_space", "不确定", "是、否"),
    ],
)
def test_an_invalid_choice_lists_the_allowed_values(district_official, key, typed, allowed):
    from anjian.enterprises.ledger import BY_KEY

    result = run([row(64, **{key: typed})], user=district_official)
    assert result.errors[2] == [f"【{BY_KEY[key].header}】“{typed}”无效，可选：{allowed}"]


def test_a_rows_errors_follow_the_templates_column_order(district_official):
    result = run(
        [
            row(
                65,
                name="",
                street="不存在街道",
                employees="很多",
                status="倒闭",
                dust_explosion="也许",
                supervision_grade="X",
            )
        ],
        user=district_official,
    )
    headers = [message[1 : message.index("】")] for message in result.errors[2]]
    assert headers == [
        "单位名称",
        "所属街镇",
        "从业人员数",
        "分级分类监管等级",
        "经营状态",
        "粉尘涉爆",
    ]


def test_each_error_row_names_its_unit_beside_the_row_number(district_official):
    result = run(
        [row(66), row(67, employees="很多"), row(68, name="", street="不存在街道")],
        user=district_official,
    )
    assert [(e["row"], e["name"]) for e in result.as_report()["errors"]] == [
        (3, "导入测试00067有限公司"),
        (4, ""),
    ]


# --- modes: all or the valid rows, never half a row -------------------------------------


def _mixed_rows():
    return [row(70), row(71, employees="很多"), row(72), row(73, street="不存在街道")]


def test_mode_all_imports_nothing_when_any_row_is_bad(district_official):
    result = run(_mixed_rows(), user=district_official, mode=MODE_ALL)
    assert (result.total, result.created, result.error_rows) == (4, 0, 2)
    assert sorted(result.errors) == [3, 5]
    assert not Enterprise.objects.filter(name__startswith="导入测试").exists()


def test_mode_valid_imports_exactly_the_valid_rows(district_official):
    result = run(_mixed_rows(), user=district_official, mode=MODE_VALID)
    assert (result.total, result.created, result.error_rows) == (4, 2, 2)
    assert set(
        Enterprise.objects.filter(name__startswith="导入测试").values_list("name", flat=True)
    ) == {"导入测试00070有限公司", "导入测试00072有限公司"}


def test_a_row_with_one_bad_optional_cell_is_not_imported_without_it(district_official):
    result = run(
        [row(80, insured_until="明年"), row(81, dust_explosion="也许"), row(82, grid="第99网格")],
        user=district_official,
        mode=MODE_VALID,
    )
    assert result.created == 0
    assert (
        imported("导入测试00080有限公司", "导入测试00081有限公司", "导入测试00082有限公司") == set()
    )


def test_duplicates_within_the_file_import_neither_copy_in_mode_valid(district_official):
    code = world.credit_code(10_090)
    result = run(
        [row(90, credit_code=code), row(91, credit_code=code), row(92)],
        user=district_official,
        mode=MODE_VALID,
    )
    assert result.created == 1
    assert imported("导入测试00090有限公司", "导入测试00091有限公司", "导入测试00092有限公司") == {
        "导入测试00092有限公司"
    }


def test_the_report_lists_rows_and_messages(district_official):
    result = run(_mixed_rows(), user=district_official, mode=MODE_VALID)
    report = result.as_report()
    assert report["total"] == 4
    assert report["created"] == 2
    assert report["error_rows"] == 2
    assert report["mode"] == MODE_VALID
    assert [entry["row"] for entry in report["errors"]] == [3, 5]
    assert any("【从业人员数】" in m for m in report["errors"][0]["messages"])


def test_a_failure_while_writing_leaves_no_row_of_the_file(district_official):
    """All rows valid, but the second insert batch hits a credit code registered meanwhile:
    the first batch of 1,000 must be rolled back with it."""
    rows = [row(n) for n in range(1, 1002)]
    last_code = rows[-1]["credit_code"]
    raced = []

    def other_writer(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "enterprises_enterprise"') and not raced:
            raced.append(True)
            winner = Enterprise(
                **world.enterprise_data(name="抢先登记的公司", credit_code=last_code)
            )
            winner.refresh_derived_fields()
            Enterprise.objects.bulk_create([winner])
        return execute(sql, params, many, context)

    source = xlsx(rows)
    with connection.execute_wrapper(other_writer), pytest.raises(IntegrityError):
        import_enterprises(source, user=district_official, mode=MODE_ALL)
    assert raced
    assert not Enterprise.objects.filter(name__startswith="导入测试").exists()
