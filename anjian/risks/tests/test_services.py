"""Writes: risk points, assessments, measures, band tables — scope, concurrency, history."""

from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db.models import ProtectedError
from django.utils import timezone

from anjian.core.exceptions import Conflict, ValidationError
from anjian.enterprises import services as enterprise_services
from anjian.regions.models import Region
from anjian.risks import services
from anjian.risks.defaults import BAND_TABLES
from anjian.risks.models import ControlMeasure, RiskAssessment, RiskBandTable, RiskPoint
from anjian.risks.tests.factories import make_point, point_data
from testsupport import world


def messages(error: ValidationError, field: str) -> list[str]:
    return [str(m) for m in error.message_dict.get(field, [])]


# --- create ------------------------------------------------------------------------------------


def test_the_safety_manager_registers_a_risk_point_of_their_enterprise(
    enterprise_manager, enterprises
):
    chemical = enterprises["yinhang_chemical"]
    point = services.risk_point_create(
        by=enterprise_manager, enterprise=chemical, data=point_data(name="甲苯储罐")
    )
    stored = RiskPoint.objects.get(pk=point.pk)
    assert stored.enterprise == chemical
    assert stored.scope_region_code == chemical.scope_region_code
    assert stored.industry_id == chemical.industry_id
    assert stored.created_by == enterprise_manager
    assert (stored.status, stored.version, stored.current_rank) == ("active", 1, 0)
    assert LogEntry.objects.get_for_object(stored).filter(action=LogEntry.Action.CREATE).exists()


def test_a_risk_point_of_another_enterprise_is_refused_and_nothing_is_saved(
    enterprise_manager, enterprises
):
    before = RiskPoint.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.risk_point_create(
            by=enterprise_manager, enterprise=enterprises["yinhang_site"], data=point_data()
        )
    assert messages(caught.value, "enterprise") == ["单位不存在或不在您的管辖范围内"]
    assert RiskPoint.objects.count() == before


def test_invalid_fields_are_reported_in_chinese(enterprise_manager, enterprises):
    with pytest.raises(ValidationError) as caught:
        services.risk_point_create(
            by=enterprise_manager,
            enterprise=enterprises["yinhang_chemical"],
            data=point_data(owner_phone="12345", accident_types="08,99"),
        )
    assert "11位手机号" in messages(caught.value, "owner_phone")[0]
    assert "01–20" in messages(caught.value, "accident_types")[0]


# --- update and conflict -------------------------------------------------------------------------


def test_an_update_bumps_the_version(enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"])
    updated = services.risk_point_update(
        by=enterprise_manager,
        risk_point_id=point.pk,
        data={"owner_name": "赵六"},
        expected_version=1,
    )
    assert (updated.owner_name, updated.version) == ("赵六", 2)


def test_of_two_writers_from_the_same_version_the_second_gets_a_conflict(
    enterprise_manager, enterprises
):
    point = make_point(enterprises["yinhang_chemical"])
    services.risk_point_update(
        by=enterprise_manager, risk_point_id=point.pk, data={"owner_name": "甲"}, expected_version=1
    )
    with pytest.raises(Conflict) as caught:
        services.risk_point_update(
            by=enterprise_manager,
            risk_point_id=point.pk,
            data={"owner_name": "乙"},
            expected_version=1,
        )
    assert "已被他人修改" in str(caught.value)
    assert RiskPoint.objects.get(pk=point.pk).owner_name == "甲"


def test_registering_refuses_a_field_it_does_not_write_and_names_it(
    enterprise_manager, enterprises
):
    before = RiskPoint.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.risk_point_create(
            by=enterprise_manager,
            enterprise=enterprises["yinhang_chemical"],
            data={**point_data(), "current_level": "blue"},
        )
    assert caught.value.messages == ["不能修改的字段：current_level"]
    assert RiskPoint.objects.count() == before


def test_a_writer_out_of_scope_does_not_find_the_point(street_officer, enterprises):
    point = make_point(enterprises["pingliang_factory"])
    with pytest.raises(RiskPoint.DoesNotExist):
        services.risk_point_update(
            by=street_officer, risk_point_id=point.pk, data={"name": "x"}, expected_version=1
        )


def test_the_enterprise_field_cannot_be_changed_through_update(enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"])
    with pytest.raises(ValidationError, match="不能修改的字段"):
        services.risk_point_update(
            by=enterprise_manager,
            risk_point_id=point.pk,
            data={"enterprise": enterprises["yinhang_site"]},
            expected_version=1,
        )


# --- retire --------------------------------------------------------------------------------------


def test_retiring_keeps_the_row_with_its_reason_and_history(enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"], assess=("lec", {"L": 3, "E": 6, "C": 15}))
    retired = services.risk_point_retire(
        by=enterprise_manager, risk_point_id=point.pk, reason="储罐已拆除", expected_version=1
    )
    stored = RiskPoint.objects.get(pk=point.pk)
    assert (stored.status, stored.retire_reason, stored.retired_by) == (
        "retired",
        "储罐已拆除",
        enterprise_manager,
    )
    assert retired.version == 2
    assert stored.assessments.count() == 1
    assert not RiskPoint.objects.active().filter(pk=point.pk).exists()


def test_a_retire_without_a_reason_is_refused(enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"])
    with pytest.raises(ValidationError) as caught:
        services.risk_point_retire(
            by=enterprise_manager, risk_point_id=point.pk, reason="  ", expected_version=1
        )
    assert messages(caught.value, "reason") == ["请填写注销原因"]
    assert RiskPoint.objects.get(pk=point.pk).status == "active"


def test_a_retired_point_cannot_be_assessed_or_edited(enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"])
    services.risk_point_retire(
        by=enterprise_manager, risk_point_id=point.pk, reason="合并", expected_version=1
    )
    with pytest.raises(ValidationError, match="已注销"):
        services.risk_point_assess(
            by=enterprise_manager,
            risk_point_id=point.pk,
            method="ls",
            stage="inherent",
            factors={"L": 2, "S": 2},
        )
    with pytest.raises(ValidationError, match="已注销"):
        services.risk_point_update(
            by=enterprise_manager, risk_point_id=point.pk, data={"name": "x"}, expected_version=2
        )


def test_risk_points_are_protected_from_deletion(enterprises):
    point = make_point(enterprises["yinhang_chemical"], assess=("ls", {"L": 2, "S": 3}))
    with pytest.raises(ProtectedError):
        point.delete()
    with pytest.raises(ProtectedError):
        enterprises["yinhang_chemical"].delete()


# --- assess --------------------------------------------------------------------------------------


def test_an_lec_assessment_computes_grades_and_caches_the_point(enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"])
    assessment = services.risk_point_assess(
        by=enterprise_manager,
        risk_point_id=point.pk,
        method="lec",
        stage="inherent",
        factors={"L": "3", "E": "6", "C": "40"},
        note="初次评估",
    )
    assert (assessment.score, assessment.level) == (Decimal("720"), "red")
    assert assessment.band_table == RiskBandTable.objects.current("lec")
    assert assessment.formula == "D = 3 × 6 × 40 = 720"
    stored = RiskPoint.objects.get(pk=point.pk)
    assert (stored.inherent_level, stored.current_level, stored.current_rank) == ("red", "red", 4)
    assert stored.reassess_due == timezone.localdate() + timedelta(days=365)
    assert stored.version == 1  # assessing is not an edit of the point's fields


def test_a_residual_assessment_sets_the_current_grade(enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"], assess=("lec", {"L": 3, "E": 6, "C": 40}))
    services.risk_point_assess(
        by=enterprise_manager,
        risk_point_id=point.pk,
        method="lec",
        stage="residual",
        factors={"L": 1, "E": 6, "C": 40},
    )
    stored = RiskPoint.objects.get(pk=point.pk)
    assert (stored.inherent_level, stored.residual_level) == ("red", "orange")
    assert (stored.current_level, stored.current_score) == ("orange", Decimal("240"))


def test_an_ls_score_on_the_red_limit_is_red_under_the_default_table(
    enterprise_manager, enterprises
):
    point = make_point(enterprises["yinhang_chemical"])
    assessment = services.risk_point_assess(
        by=enterprise_manager,
        risk_point_id=point.pk,
        method="ls",
        stage="inherent",
        factors={"L": 4, "S": 5},
    )
    assert (assessment.score, assessment.level) == (Decimal("20"), "red")


def test_factor_values_outside_the_table_are_refused(enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"])
    with pytest.raises(ValidationError) as caught:
        services.risk_point_assess(
            by=enterprise_manager,
            risk_point_id=point.pk,
            method="lec",
            stage="inherent",
            factors={"L": 4, "E": 6, "C": 40, "S": 2},
        )
    assert "不是现行分级标准" in messages(caught.value, "lec_l")[0]
    assert messages(caught.value, "method") == ["LEC 法不使用 S 值"]
    assert not RiskAssessment.objects.filter(risk_point=point).exists()


def test_an_unknown_method_is_refused(enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"])
    with pytest.raises(ValidationError) as caught:
        services.risk_point_assess(
            by=enterprise_manager, risk_point_id=point.pk, method="abc", stage="x", factors={}
        )
    assert messages(caught.value, "method") == ["评估方法应为 LEC 或 LS"]


# --- band tables ----------------------------------------------------------------------------------


def _publish(by, *, based_on=1, red="300", rule="upper"):
    lec = next(t for t in BAND_TABLES if t["method"] == "lec")
    return services.band_table_publish(
        by=by,
        method="lec",
        boundary_rule=rule,
        bands=[
            {"level": "red", "limit": red},
            {"level": "orange", "limit": "160"},
            {"level": "yellow", "limit": "70"},
            {"level": "blue", "limit": None},
        ],
        factors=lec["factors"],
        source="某区指南",
        edition="2026版",
        based_on_version=based_on,
    )


def test_publishing_makes_a_new_version_and_old_assessments_keep_theirs(admin, enterprises):
    # D = 10 × 10 × 3 = 300: orange under v1 (D > 320 is red), red under v2 (D ≥ 300).
    factors = {"L": 10, "E": 10, "C": 3}
    point = make_point(enterprises["yinhang_chemical"], assess=("lec", factors))
    old = point.assessments.get()
    assert (old.score, old.level) == (Decimal("300"), "orange")
    table = _publish(admin, red="300", rule="upper")
    assert (table.version, table.published_by) == (2, admin)
    assert RiskBandTable.objects.current("lec") == table
    assert RiskBandTable.objects.filter(method="lec").count() == 2
    old.refresh_from_db()
    assert (old.band_table.version, old.level) == (1, "orange")
    services.risk_point_assess(
        by=admin, risk_point_id=point.pk, method="lec", stage="inherent", factors=factors
    )
    newest = point.assessments.order_by("-id").first()
    assert (newest.band_table, newest.level) == (table, "red")
    assert RiskPoint.objects.get(pk=point.pk).current_level == "red"


def test_a_second_publisher_from_the_same_version_gets_a_conflict(admin):
    _publish(admin)
    with pytest.raises(Conflict, match="新版本"):
        _publish(admin, red="400")
    assert RiskBandTable.objects.filter(method="lec").count() == 2


def test_a_published_table_is_never_edited(admin):
    table = RiskBandTable.objects.current("ls")
    table.edition = "改"
    with pytest.raises(ValueError, match="never edited"):
        table.save()


def test_a_table_with_limits_out_of_order_is_refused(admin):
    with pytest.raises(ValidationError) as caught:
        _publish(admin, red="100")
    assert messages(caught.value, "bands") == ["下限值须从重大到一般依次减小"]


# --- measures ------------------------------------------------------------------------------------


def measure_data(**overrides):
    data = {
        "kind": "engineering",
        "text": "设置可燃气体报警仪",
        "level": "workshop",
        "owner_name": "张三",
        "owner_phone": "",
        "sort_order": 10,
    }
    data.update(overrides)
    return data


def test_measures_are_added_updated_and_deactivated_never_deleted(enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"])
    measure = services.measure_add(
        by=enterprise_manager, risk_point_id=point.pk, data=measure_data()
    )
    updated = services.measure_update(
        by=enterprise_manager,
        measure_id=measure.pk,
        data={"text": "改为固定式报警仪"},
        expected_version=1,
    )
    assert (updated.text, updated.version) == ("改为固定式报警仪", 2)
    with pytest.raises(Conflict):
        services.measure_update(
            by=enterprise_manager, measure_id=measure.pk, data={"text": "旧"}, expected_version=1
        )
    services.measure_deactivate(by=enterprise_manager, measure_id=measure.pk, reason="设备更换")
    stored = ControlMeasure.objects.get(pk=measure.pk)
    assert (stored.is_active, stored.deactivate_reason) == (False, "设备更换")
    # Deactivating twice is harmless.
    services.measure_deactivate(by=enterprise_manager, measure_id=measure.pk, reason="再次")
    assert ControlMeasure.objects.get(pk=measure.pk).deactivate_reason == "设备更换"


def test_a_measure_without_owner_is_refused(enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"])
    with pytest.raises(ValidationError) as caught:
        services.measure_add(
            by=enterprise_manager, risk_point_id=point.pk, data=measure_data(owner_name="")
        )
    assert messages(caught.value, "owner_name") == ["此字段不能为空。"]


def test_measures_of_points_outside_scope_are_not_found(enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_site"])
    with pytest.raises(RiskPoint.DoesNotExist):
        services.measure_add(by=enterprise_manager, risk_point_id=point.pk, data=measure_data())


# --- following the enterprise --------------------------------------------------------------------


def test_risk_points_follow_an_enterprise_that_moves_street(admin, enterprises):
    factory = enterprises["pingliang_factory"]
    point = make_point(factory)
    enterprise_services.enterprise_update(
        by=admin,
        enterprise_id=factory.pk,
        data={"street": Region.objects.get(code=world.YINHANG)},
        expected_version=factory.version,
    )
    assert RiskPoint.objects.get(pk=point.pk).scope_region_code == world.YINHANG
    assert RiskPoint.objects.for_user(world.actor("street_officer")).filter(pk=point.pk).exists()
