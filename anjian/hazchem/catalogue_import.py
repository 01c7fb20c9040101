"""Excel import of the 危险化学品目录 by an administrator, through the engine in
``core.excel_import`` (modes, savepoints, the report row by row, the error file that imports
again): each row is ``services_catalogue.chemical_import``.

A row is the entry of its 目录序号, else the entry of its name (with the same CAS number):
that entry is updated with the cells the row fills (a blank cell keeps what is there), or a
new entry is made. The 85 shipped rows of GB 18218 table 1 are enriched — 目录序号, UN
number, 危险性类别, table 2 classes, flags — never renamed and never given another Q. A bad
CAS check digit, a class the 目录 or GB 18218 does not use, a row repeating an earlier one
are refused on their cell, in Chinese.

Once the rows are written, the units holding an entry they changed are identified and
graded again (``finish``), as after a change on the entry's page.
"""

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.excel import Column, RowProblems, SheetRows
from anjian.core.excel_import import ImportResult, ImportSpec, read_yes_no, register_jobs, text
from anjian.core.exceptions import NotPermitted
from anjian.hazchem import permissions as perms
from anjian.hazchem import services_catalogue as services
from anjian.hazchem.models import Chemical

FLAG_WORDS = {str(Chemical._meta.get_field(name).verbose_name): name for name in services.FLAGS}
NOTE_WORDS = re.compile(r"[；;、,，\s]+")


def _t(value) -> str:
    return str(gettext_lazy(value))


def _flag(name: str) -> Column:
    label = str(Chemical._meta.get_field(name).verbose_name)
    return Column(
        name,
        label,
        8,
        note=_t("填“是”或“否”；空白不改变已有的标记"),
        choices=(_t("是"), _t("否")),
        example=_t("是") if name == "key_supervised" else "",
    )


COLUMNS = [
    Column(
        "catalogue_number",
        _t("序号"),
        8,
        note=_t("《危险化学品目录（2015版）》中的序号；目录中已有该序号的条目时更新该条目"),
        example=1022,
    ),
    Column(
        "name",
        _t("品名"),
        30,
        required=True,
        note=_t("没有序号时按品名（及CAS号）对应目录中已有的条目，没有则新增"),
        example="甲醇",
    ),
    Column("aliases", _t("别名"), 24, note=_t("多个别名用顿号分隔"), example="木醇、木精"),
    Column(
        "cas",
        _t("CAS号"),
        14,
        note=_t("如 67-56-1；校验位不正确的不能导入"),
        example="67-56-1",
    ),
    Column("un_number", _t("UN号"), 8, note=_t("4位数字"), example="1230"),
    Column(
        "ghs_classes",
        _t("危险性类别"),
        40,
        note=_t(
            "按《危险化学品目录》实施指南填写，多个类别用分号分隔，如“易燃液体，类别2；急性毒性-经口，类别3”"
        ),
        example="易燃液体，类别2；急性毒性-经口，类别3；特异性靶器官毒性-一次接触，类别1",
    ),
    Column(
        "gb18218_classes",
        _t("GB 18218表2类别"),
        14,
        note=_t(
            "按 GB 18218-2018 表2确定临界量、按表4确定校正系数β的类别代码，如 W5.3、J4，"
            "多个用逗号分隔；表1列名而不在表3中的化学品（如甲醇）据此确定β"
        ),
        example="W5.3",
    ),
    Column(
        "table1_row",
        _t("GB 18218表1行号"),
        10,
        note=_t("同一CAS号对应表1多行（如硝酸铵、硝化纤维素）时填写；一般空白"),
    ),
    *(_flag(name) for name in services.FLAGS),
    Column(
        "note",
        _t("备注"),
        12,
        note=_t("《危险化学品目录》的备注列：填“剧毒”即标记为剧毒（也可填其他管控类别的名称）"),
    ),
]


class CatalogueImport(ImportSpec):
    app, kind, title, columns = "hazchem", "catalogue", "危险化学品目录", COLUMNS
    notes = (
        gettext_lazy(
            "按目录序号、或品名及CAS号对应目录中已有的条目：有则以本行填写的内容更新（空白的单元格"
            "不改变已有内容），没有则新增。"
        ),
        gettext_lazy(
            "GB 18218-2018 表1随平台提供的85个条目只补充序号、UN号、危险性类别、表2类别和管控"
            "标记，品名、CAS号和临界量由标准确定，不会改变。"
        ),
        gettext_lazy("导入后，登记了类别等有变化的化学品的单元随即重新辨识分级。"),
    )
    repeat_note = "（同一目录条目）"

    def require(self, by) -> None:
        if not by.can(perms.CATALOGUE_MANAGE):
            raise NotPermitted()

    def lookups(self, by, sheet: SheetRows) -> None:
        return None

    def read(self, cells: dict, lookups: Any, problems: RowProblems) -> dict:
        def cell(key):
            return cells.get(self.header(key))

        data: dict[str, Any] = {
            key: text(cell(key))
            for key in (
                "catalogue_number",
                "name",
                "aliases",
                "cas",
                "un_number",
                "ghs_classes",
                "gb18218_classes",
                "table1_row",
            )
        }
        for name in services.FLAGS:
            data[name] = read_yes_no(name, cell(name), problems, blank=None)
        for word in (w for w in NOTE_WORDS.split(text(cell("note"))) if w):
            name = FLAG_WORDS.get(word)
            if name is None:
                problems.add(
                    "note",
                    _("备注只能填写管控类别（%(w)s），现为“%(v)s”")
                    % {"w": "、".join(FLAG_WORDS), "v": text(cell("note"))},
                )
            elif data[name] is False:
                problems.add(
                    "note",
                    _("备注为“%(w)s”，但“%(w)s”列填的是“否”") % {"w": word},
                )
            else:
                data[name] = True
        return data

    def create(self, by, data: dict) -> Chemical:
        return services.chemical_import(by, data=data)

    def identity(self, record) -> tuple:
        return (record.pk,)

    def finish(self, by, result: ImportResult) -> str:
        # Already in the background (the import's job): every unit holding an imported
        # entry is read again here; those whose figures did not change are left alone.
        done = services.run_reevaluation(result.created_ids, by=by, reason=_("危险化学品目录导入"))
        return done.words() if done.units else ""


SPEC = CatalogueImport()
register_jobs({"catalogue": SPEC})
