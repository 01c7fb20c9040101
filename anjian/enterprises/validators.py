"""Validation of the identifiers an enterprise record carries."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength


def normalize_credit_code(value: str) -> str:
    return uscc.compact(value or "")


def validate_credit_code(value: str) -> None:
    """统一社会信用代码 per GB 32100-2015: 18 characters with a check character."""
    try:
        uscc.validate(value)
    except InvalidLength:
        raise ValidationError(
            _("统一社会信用代码应为18位（当前%(n)d位）") % {"n": len(uscc.compact(value))},
            code="length",
        ) from None
    except InvalidFormat:
        raise ValidationError(
            _(
                "统一社会信用代码格式不正确：前8位应为数字，其余为数字或大写字母（不含I、O、Z、S、V）"
            ),
            code="format",
        ) from None
    except InvalidChecksum:
        expected = uscc.calc_check_digit(uscc.compact(value))
        raise ValidationError(
            _("统一社会信用代码校验位错误（按GB 32100应为“%(c)s”），请核对") % {"c": expected},
            code="checksum",
        ) from None


# GB/T 4754-2017 国民经济行业分类: section letter → range of two-digit divisions.
ECONOMIC_SECTIONS: dict[str, tuple[int, int, str]] = {
    "A": (1, 5, "农、林、牧、渔业"),
    "B": (6, 12, "采矿业"),
    "C": (13, 43, "制造业"),
    "D": (44, 46, "电力、热力、燃气及水生产和供应业"),
    "E": (47, 50, "建筑业"),
    "F": (51, 52, "批发和零售业"),
    "G": (53, 60, "交通运输、仓储和邮政业"),
    "H": (61, 62, "住宿和餐饮业"),
    "I": (63, 65, "信息传输、软件和信息技术服务业"),
    "J": (66, 69, "金融业"),
    "K": (70, 70, "房地产业"),
    "L": (71, 72, "租赁和商务服务业"),
    "M": (73, 75, "科学研究和技术服务业"),
    "N": (76, 79, "水利、环境和公共设施管理业"),
    "O": (80, 82, "居民服务、修理和其他服务业"),
    "P": (83, 83, "教育"),
    "Q": (84, 85, "卫生和社会工作"),
    "R": (86, 90, "文化、体育和娱乐业"),
    "S": (91, 96, "公共管理、社会保障和社会组织"),
    "T": (97, 97, "国际组织"),
}

_ECONOMIC_CODE = re.compile(r"^([A-T])?(\d{2,4})$")


def section_for_division(division: int) -> str | None:
    for letter, (low, high, _name) in ECONOMIC_SECTIONS.items():
        if low <= division <= high:
            return letter
    return None


def normalize_economic_code(value: str) -> str:
    """'2614' → 'C2614'; 'c2614' → 'C2614'. Invalid input comes back stripped, for the validator."""
    value = (value or "").strip().upper().replace(" ", "")
    match = _ECONOMIC_CODE.match(value)
    if match and not match.group(1):
        letter = section_for_division(int(match.group(2)[:2]))
        if letter:
            return letter + match.group(2)
    return value


def validate_economic_code(value: str) -> None:
    """国民经济行业代码 (GB/T 4754-2017): section letter and 2–4 digits, consistent."""
    match = _ECONOMIC_CODE.match(value or "")
    if not match or not match.group(1):
        raise ValidationError(
            _("国民经济行业代码格式应为门类字母加2–4位数字，如 C2614"), code="format"
        )
    letter, digits = match.groups()
    low, high, name = ECONOMIC_SECTIONS[letter]
    division = int(digits[:2])
    if not low <= division <= high:
        expected = section_for_division(division)
        raise ValidationError(
            _("大类 %(d)02d 不属于门类 %(l)s（%(n)s）%(hint)s")
            % {
                "d": division,
                "l": letter,
                "n": name,
                "hint": _("，应为 %(e)s") % {"e": expected} if expected else "",
            },
            code="section",
        )
