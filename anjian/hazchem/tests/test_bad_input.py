"""Bad input raises a ValueError subclass with a specific Chinese message."""

from decimal import Decimal as D

import pytest

from anjian.hazchem.errors import (
    BetaUndetermined,
    ChemicalIdentityError,
    CriticalQuantityUndetermined,
    EmptyUnit,
    IdentificationError,
    PopulationError,
    QuantityError,
    UnknownHazardClass,
)
from anjian.hazchem.identification import Line, Mixture, identify


def failure(lines, population=0) -> IdentificationError:
    with pytest.raises(IdentificationError) as caught:
        identify(lines, population=population)
    assert isinstance(caught.value, ValueError)
    return caught.value


def test_a_unit_with_no_lines_is_refused():
    error = failure([])
    assert type(error) is EmptyUnit
    assert str(error) == "单元内没有危险化学品，无法辨识"


@pytest.mark.parametrize(("quantity", "shown"), [(D(-1), "-1"), ("-0.5", "-0.5"), (0, "0")])
def test_a_negative_or_zero_quantity_is_refused(quantity, shown):
    error = failure([Line(D(1), name="氯"), Line(quantity, name="氨")])
    assert type(error) is QuantityError
    assert str(error) == f"第2项（氨）：数量须大于0吨，现为{shown}"


@pytest.mark.parametrize(
    "quantity", ["十吨", "abc", "", "10t", None, [10], True, "NaN", "Infinity", D("NaN"), D("-Inf")]
)
def test_a_quantity_that_is_not_a_number_is_refused(quantity):
    error = failure([Line(quantity, cas="7664-41-7")])
    assert type(error) is QuantityError
    assert str(error) == f"第1项（7664-41-7）：数量“{quantity}”不是数字"


def test_a_chemical_neither_in_table_1_nor_classed_has_no_critical_quantity():
    # 水 has a valid CAS number but is not in table 1 and has no table 2 class.
    error = failure([Line(D(5), name="水", cas="7732-18-5")])
    assert type(error) is CriticalQuantityUndetermined
    assert (
        str(error) == "第1项（水）：无法确定临界量——不在GB 18218-2018表1中，也未给出表2危险性类别"
    )


def test_an_unknown_cas_number_without_classes_has_no_critical_quantity():
    error = failure([Line(D(5), cas="7732-18-5")])
    assert "无法确定临界量" in str(error)


def test_an_own_class_mixture_without_classes_has_no_critical_quantity():
    error = failure([Line(D(5), name="氨水", cas="7664-41-7", mixture=Mixture.OWN)])
    assert type(error) is CriticalQuantityUndetermined
    assert str(error) == (
        "第1项（氨水）：无法确定临界量——混合物按其自身危险性类别确定临界量，但未给出表2危险性类别"
    )


def test_a_line_with_nothing_to_identify_it_is_numbered():
    error = failure([Line(D(5))])
    assert str(error).startswith("第1项：无法确定临界量")


def test_a_major_unit_with_a_line_lacking_beta_cannot_be_graded():
    # 甲醇 (row 65) is not in table 3 and has no class: fine below Q, refused at S ≥ 1.
    assert identify([Line(D(499), name="甲醇")], population=0).r is None
    error = failure([Line(D(500), name="甲醇")])
    assert type(error) is BetaUndetermined
    assert str(error) == (
        "第1项（甲醇）：无法确定校正系数β——不在表3中，也未给出表2危险性类别，无法分级"
    )


@pytest.mark.parametrize("code", ["W12", "X1", "", "易燃液体"])
def test_an_unknown_hazard_class_is_refused(code):
    error = failure([Line(D(5), name="某物质", classes=("W2", code))])
    assert type(error) is UnknownHazardClass
    assert str(error) == f"第1项（某物质）：危险性类别“{code}”不是GB 18218-2018表2的类别"


def test_a_single_class_passed_as_a_string_is_one_class_not_its_letters():
    result = identify([Line(D(5), name="某物质", classes="W5.1")], population=0)
    assert result.terms[0].critical_basis.key == "W5.1"


@pytest.mark.parametrize(
    ("cas", "message"),
    [
        ("abc", "第1项（abc）：CAS号“abc”格式不正确（应为如7664-41-7的形式）"),
        ("7664417", "第1项（7664417）：CAS号“7664417”格式不正确（应为如7664-41-7的形式）"),
        ("7664-41-8", "第1项（7664-41-8）：CAS号“7664-41-8”校验位不正确"),
    ],
)
def test_a_malformed_cas_number_is_refused(cas, message):
    error = failure([Line(D(5), cas=cas, classes=("W2",))])
    assert type(error) is ChemicalIdentityError
    assert str(error) == message


def test_a_cas_number_shared_by_several_rows_needs_a_name_or_row():
    error = failure([Line(D(5), cas="9004-70-0")])
    assert type(error) is ChemicalIdentityError
    assert str(error) == (
        "第1项（9004-70-0）：CAS号9004-70-0对应表1第37、38、39、40、41、42行，请给出品名或表1行号"
    )


def test_a_name_and_cas_number_of_different_rows_are_refused():
    error = failure([Line(D(5), name="氯", cas="7664-41-7")])
    assert str(error) == "第1项（氯）：品名“氯”（表1第12行）与CAS号7664-41-7（表1第1行）不一致"


def test_a_row_number_that_disagrees_with_the_cas_number_or_name_is_refused():
    by_cas = failure([Line(D(5), cas="7664-41-7", row=12)])
    assert str(by_cas) == "第1项（7664-41-7）：行号（表1第12行）与CAS号7664-41-7（表1第1行）不一致"
    by_name = failure([Line(D(5), name="氨", row=12)])
    assert str(by_name) == "第1项（氨）：行号（表1第12行）与品名“氨”（表1第1行）不一致"


@pytest.mark.parametrize("number", [0, 86])
def test_a_row_number_outside_table_1_is_refused(number):
    error = failure([Line(D(5), row=number)])
    assert str(error) == f"第1项：GB 18218-2018表1没有第{number}行"


def test_an_unknown_mixture_rule_is_refused():
    error = failure([Line(D(5), name="氨", mixture="maybe")])
    assert str(error) == "第1项（氨）：混合物规则“maybe”无效"


def test_a_negative_population_is_refused():
    error = failure([Line(D(5), name="氨")], population=-1)
    assert type(error) is PopulationError
    assert str(error) == "厂区边界外500米范围内常住人口数不能为负数，现为-1"


@pytest.mark.parametrize("population", ["60", 1.5, None, True])
def test_a_population_that_is_not_a_whole_number_is_refused(population):
    error = failure([Line(D(5), name="氨")], population=population)
    assert type(error) is PopulationError
    assert str(error) == f"厂区边界外500米范围内常住人口数须为整数，现为“{population}”"
