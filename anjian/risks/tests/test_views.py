"""Risk pages: list and filters, detail, create/edit/retire forms, assess, measures, config."""

import re
from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from anjian.risks.models import ControlMeasure, RiskAssessment, RiskBandTable, RiskPoint
from anjian.risks.tests.factories import form_data, make_point

LIST = reverse("risks:risk_point_list")
CREATE = reverse("risks:risk_point_create")
HTMX = {"HX-Request": "true", "HX-Target": "results"}


def listed(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()[:2000]
    ids = dict.fromkeys(
        int(pk) for pk in re.findall(r'<a [^>]*href="/risks/(\d+)/"', response.content.decode())
    )
    names = dict(RiskPoint.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [names[pk] for pk in ids]


def field_errors(response, field: str) -> list[str]:
    form = response.context["form"]
    return [str(e) for e in form.errors.get(field, [])]


# --- list ---------------------------------------------------------------------------------------


def test_the_list_filters_by_level_and_shows_the_highest_first(
    client_for, district_official, enterprises
):
    red = make_point(
        enterprises["yinhang_chemical"], name="红色点", assess=("lec", {"L": 3, "E": 6, "C": 40})
    )
    make_point(enterprises["yinhang_site"], name="蓝色点", assess=("ls", {"L": 1, "S": 2}))
    make_point(enterprises["pingliang_factory"], name="未评估点")
    client = client_for(district_official)
    assert listed(client.get(LIST))[:1] == [red.name]
    assert listed(client.get(LIST, {"level": "red"})) == ["红色点"]
    assert listed(client.get(LIST, {"level": "none"})) == ["未评估点"]
    assert listed(client.get(LIST, {"industry": "construction"})) == ["蓝色点"]
    assert set(listed(client.get(LIST, {"street": "310110016"}))) == {"红色点", "蓝色点"}
    assert listed(client.get(LIST, {"q": "未评估"})) == ["未评估点"]


def test_the_list_answers_htmx_with_the_results_partial(client_for, district_official, enterprises):
    make_point(enterprises["yinhang_chemical"], name="局部刷新点")
    response = client_for(district_official).get(LIST, headers=HTMX)
    html = response.content.decode()
    assert 'id="results"' in html and "<html" not in html
    assert "局部刷新点" in html


def test_retired_points_leave_the_list_unless_asked_for(
    client_for, enterprise_manager, enterprises
):
    point = make_point(enterprises["yinhang_chemical"], name="已拆除罐")
    client = client_for(enterprise_manager)
    client.post(
        reverse("risks:risk_point_retire", args=[point.pk]), {"reason": "拆除", "version": 1}
    )
    assert "已拆除罐" not in listed(client.get(LIST))
    assert listed(client.get(LIST, {"status": "retired"})) == ["已拆除罐"]


def test_a_bad_filter_value_is_explained(client_for, district_official):
    response = client_for(district_official).get(LIST, {"level": "purple"})
    assert response.status_code == 200
    assert "筛选条件有误" in response.content.decode()


def test_the_export_holds_exactly_the_filtered_list(client_for, district_official, enterprises):
    make_point(
        enterprises["yinhang_chemical"], name="导出红", assess=("lec", {"L": 3, "E": 6, "C": 40})
    )
    make_point(enterprises["yinhang_site"], name="导出蓝", assess=("ls", {"L": 1, "S": 2}))
    response = client_for(district_official).get(
        reverse("risks:risk_point_export"), {"level": "red"}
    )
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    header = list(rows[0])
    names = [row[header.index("风险点名称")] for row in rows[1:]]
    assert names == ["导出红"]
    assert rows[1][header.index("风险等级")] == "重大风险"
    about = dict(workbook.worksheets[1].iter_rows(values_only=True))
    assert about["筛选：风险等级"] == "重大风险"


def test_the_register_lists_only_major_and_significant_points(
    client_for, district_official, enterprises
):
    make_point(
        enterprises["yinhang_chemical"], name="清单红", assess=("lec", {"L": 3, "E": 6, "C": 40})
    )
    make_point(enterprises["yinhang_site"], name="清单橙", assess=("ls", {"L": 3, "S": 4}))
    make_point(enterprises["pingliang_factory"], name="清单黄", assess=("ls", {"L": 2, "S": 3}))
    client = client_for(district_official)
    shown = listed(client.get(reverse("risks:risk_register")))
    assert shown == ["清单红", "清单橙"]
    response = client.get(reverse("risks:risk_register_export"))
    rows = list(
        load_workbook(BytesIO(response.content), read_only=True)
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    column = list(rows[0]).index("风险点名称")
    assert [row[column] for row in rows[1:]] == ["清单红", "清单橙"]


# --- detail --------------------------------------------------------------------------------------


def test_the_detail_shows_assessments_measures_history_and_the_enterprise(
    client_for, enterprise_manager, enterprises
):
    point = make_point(enterprises["yinhang_chemical"], assess=("lec", {"L": 3, "E": 6, "C": 15}))
    response = client_for(enterprise_manager).get(point.get_absolute_url())
    html = response.content.decode()
    assert "D = 3 × 6 × 15 = 270" in html
    assert "较大风险" in html
    assert 'id="history"' in html and "data-audit-entry" in html
    assert (
        reverse("enterprises:enterprise_detail", args=[enterprises["yinhang_chemical"].pk]) in html
    )


# --- create / edit with bad input ---------------------------------------------------------


def test_creating_with_bad_input_shows_chinese_field_errors_and_saves_nothing(
    client_for, enterprise_manager
):
    before = RiskPoint.objects.count()
    response = client_for(enterprise_manager).post(
        CREATE,
        form_data(
            name="",
            owner_phone="110abc",
            accident_types=["99"],
            kind="nope",
            reassess_due="2026-13-01",
        ),
    )
    assert response.status_code == 422
    assert field_errors(response, "name") == ["这个字段是必填项。"]
    assert "11位手机号" in field_errors(response, "owner_phone")[0]
    assert field_errors(response, "accident_types") == ["事故类型“99”不是 GB 6441 的类别代码"]
    assert field_errors(response, "kind")[0].startswith("选择一个有效的选项")
    assert field_errors(response, "reassess_due") == ["请输入有效日期，格式为 YYYY-MM-DD"]
    assert "有 5 处需要修改" in response.content.decode()
    assert RiskPoint.objects.count() == before


def test_creating_sends_the_manager_to_the_assessment(client_for, enterprise_manager):
    response = client_for(enterprise_manager).post(CREATE, form_data(name="新建罐区"))
    point = RiskPoint.objects.get(name="新建罐区")
    assert response.status_code == 302
    assert response["Location"] == reverse("risks:risk_point_assess", args=[point.pk])
    assert point.accident_types == "08,17"


def test_an_edit_from_a_stale_version_is_a_conflict(client_for, enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"])
    client = client_for(enterprise_manager)
    url = reverse("risks:risk_point_edit", args=[point.pk])
    assert client.post(url, form_data(name="第一次", version=1)).status_code == 302
    response = client.post(url, form_data(name="第二次", version=1))
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    assert RiskPoint.objects.get(pk=point.pk).name == "第一次"


def test_retiring_without_a_reason_shows_the_error(client_for, enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"])
    response = client_for(enterprise_manager).post(
        reverse("risks:risk_point_retire", args=[point.pk]), {"reason": "", "version": 1}
    )
    assert response.status_code == 422
    assert field_errors(response, "reason") == ["请填写注销原因"]
    assert RiskPoint.objects.get(pk=point.pk).status == "active"


# --- assess ---------------------------------------------------------------------------------------


def test_the_assess_form_lists_each_value_with_its_description(
    client_for, enterprise_manager, enterprises
):
    point = make_point(enterprises["yinhang_chemical"])
    html = (
        client_for(enterprise_manager)
        .get(reverse("risks:risk_point_assess", args=[point.pk]))
        .content.decode()
    )
    assert "40 — 灾难，数人死亡" in html
    assert "0.5 — 非常罕见地暴露" in html
    assert "5 — 很可能" in html
    assert "160 &lt; D ≤ 320" in html


def test_assessing_through_the_page_grades_the_point(client_for, enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"])
    response = client_for(enterprise_manager).post(
        reverse("risks:risk_point_assess", args=[point.pk]),
        {"method": "ls", "stage": "inherent", "ls_l": "4", "ls_s": "4", "note": ""},
    )
    assert response.status_code == 302
    assert RiskPoint.objects.get(pk=point.pk).current_level == "orange"


def test_an_incomplete_assessment_shows_chinese_errors_and_saves_nothing(
    client_for, enterprise_manager, enterprises
):
    point = make_point(enterprises["yinhang_chemical"])
    response = client_for(enterprise_manager).post(
        reverse("risks:risk_point_assess", args=[point.pk]),
        {"method": "lec", "stage": "inherent", "lec_l": "4", "lec_e": "", "lec_c": "40"},
    )
    assert response.status_code == 422
    assert field_errors(response, "lec_l") == ["“4”不是现行分级标准中的取值"]
    assert field_errors(response, "lec_e") == ["请选择 E 值"]
    assert not RiskAssessment.objects.filter(risk_point=point).exists()


# --- measures ------------------------------------------------------------------------------------


def test_a_measure_is_added_and_bad_input_is_refused(client_for, enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"])
    client = client_for(enterprise_manager)
    url = reverse("risks:measure_create", args=[point.pk])
    bad = client.post(
        url,
        {
            "kind": "engineering",
            "text": "",
            "level": "team",
            "owner_name": "甲",
            "owner_phone": "abc",
        },
    )
    assert bad.status_code == 422
    assert field_errors(bad, "text") == ["这个字段是必填项。"]
    assert "11位手机号" in field_errors(bad, "owner_phone")[0]
    assert not ControlMeasure.objects.filter(risk_point=point).exists()
    good = client.post(
        url,
        {
            "kind": "ppe",
            "text": "佩戴防毒面具",
            "level": "post",
            "owner_name": "甲",
            "owner_phone": "",
        },
    )
    assert good.status_code == 302
    measure = ControlMeasure.objects.get(risk_point=point)
    response = client.post(
        reverse("risks:measure_deactivate", args=[measure.pk]), {"reason": "", "version": 1}
    )
    assert field_errors(response, "reason") == ["请填写停用原因"]
    client.post(
        reverse("risks:measure_deactivate", args=[measure.pk]),
        {"reason": "改用送风式", "version": 1},
    )
    assert not ControlMeasure.objects.get(pk=measure.pk).is_active


# --- band tables ----------------------------------------------------------------------------------


def test_the_band_tables_show_their_source_and_edition(client_for, leader):
    html = client_for(leader).get(reverse("risks:band_table_list")).content.decode()
    assert "LEC 通用取值，D 值分界对应四级（平台默认第1版）" in html
    assert "作业条件危险性评价法（LEC 法）的通用取值表" in html
    assert "修改并发布新版本" not in html


def test_an_admin_publishes_a_new_version_and_bad_limits_are_explained(client_for, admin):
    client = client_for(admin)
    url = reverse("risks:band_table_publish", args=["ls"])
    form = client.get(url).context["form"]
    data = {key: form[key].value() or "" for key in form.fields}
    data.update({"red_limit": "9", "orange_limit": "20", "factor_s": "5｜特别严重\n9x"})
    bad = client.post(url, data)
    assert bad.status_code == 422
    assert field_errors(bad, "red_limit") == ["下限值须从重大到一般依次减小"]
    assert field_errors(bad, "factor_s") == ["S 第 2 行：“9x”不是数字"]
    assert RiskBandTable.objects.filter(method="ls").count() == 1
    data.update(
        {
            "red_limit": "15",
            "orange_limit": "9",
            "factor_s": form["factor_s"].value(),
            "edition": "山东分法",
        }
    )
    assert client.post(url, data).status_code == 302
    current = RiskBandTable.objects.current("ls")
    assert (current.version, current.edition) == (2, "山东分法")


def test_the_band_table_publish_page_is_for_administrators_only(client_for, district_official):
    url = reverse("risks:band_table_publish", args=["lec"])
    assert client_for(district_official).get(url).status_code == 403
