"""问题隐患清单: the hazard ledger's Excel columns, as such ledgers (隐患台账) are kept on paper."""

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from anjian.core.excel import Column
from anjian.hazards.choices import Grade, Source, State

SHEET_TITLE = "问题隐患清单"


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _day(value) -> str:
    return value.isoformat() if value else ""


def _yes_no(value) -> str:
    if value is None:
        return ""
    return "是" if value else "否"


def _labels(choices):
    """What ``get_<field>_display()`` shows, without its cost: Django rebuilds a hashable
    copy of the field's choices (lazy labels, each hashed through gettext) on every call —
    about a tenth of a millisecond, three times a row. The labels are read once per
    language; a value that is not a choice shows as itself, as Django shows it."""
    tables: dict[str, dict[str, str]] = {}

    def label(value) -> str:
        language = get_language()
        table = tables.get(language)
        if table is None:
            table = tables[language] = {key: str(text) for key, text in choices.choices}
        return table.get(value, value)

    return label


_source, _grade, _state = _labels(Source), _labels(Grade), _labels(State)


def _clauses(hazard) -> str:
    return "；".join(clause.citation for clause in hazard.clauses.all())


def _listing(hazard) -> str:
    return "；".join(
        f"{listing.get_level_display()} {listing.authority} {listing.document_number}"
        f"（{listing.get_state_display()}）"
        for listing in hazard.listings.all()
    )


COLUMNS: list[Column] = [
    Column("number", str(_("隐患编号")), 16, export=lambda h: h.number),
    Column("enterprise", str(_("单位/公共区域")), 30, export=lambda h: h.owner.name),
    Column(
        "credit_code",
        str(_("统一社会信用代码")),
        22,
        export=lambda h: h.enterprise.credit_code if h.enterprise_id else "",
    ),
    Column("street", str(_("所属街镇")), 14, export=lambda h: h.owner.street.name),
    Column("industry", str(_("监管行业")), 14, export=lambda h: h.industry.name),
    Column("title", str(_("隐患名称")), 28, export=lambda h: h.title),
    Column("description", str(_("隐患描述")), 40, export=lambda h: h.description),
    Column("location", str(_("隐患部位")), 18, export=lambda h: h.location),
    Column("source", str(_("隐患来源")), 10, export=lambda h: _source(h.source)),
    Column("found_at", str(_("发现时间")), 17, export=lambda h: _when(h.found_at)),
    Column("reported_by", str(_("上报人")), 12, export=lambda h: str(h.reported_by)),
    Column("grade", str(_("隐患等级")), 10, export=lambda h: _grade(h.grade)),
    Column("clauses", str(_("重大隐患判定依据")), 30, export=_clauses),
    Column("measures", str(_("整改措施")), 36, export=lambda h: h.measures),
    Column("funds", str(_("整改资金（万元）")), 12, export=lambda h: h.funds),
    Column("owner", str(_("整改责任人")), 12, export=lambda h: h.owner_name),
    Column("deadline", str(_("整改期限")), 12, export=lambda h: _day(h.deadline)),
    Column("interim", str(_("临时安全措施")), 30, export=lambda h: h.interim_measures),
    Column("plan", str(_("应急预案")), 30, export=lambda h: h.contingency_plan),
    Column("state", str(_("整改状态")), 10, export=lambda h: _state(h.state)),
    Column("overdue_days", str(_("逾期天数")), 10, export=lambda h: h.overdue_days or ""),
    Column("note", str(_("整改情况")), 36, export=lambda h: h.rectification_note),
    Column("accepted_by", str(_("验收人")), 12, export=lambda h: str(h.accepted_by or "")),
    Column("closed_at", str(_("销号时间")), 17, export=lambda h: _when(h.closed_at)),
    Column("on_time", str(_("按期整改")), 10, export=lambda h: _yes_no(h.closed_on_time)),
    Column("on_spot", str(_("即查即改")), 10, export=lambda h: _yes_no(h.fixed_on_spot)),
    Column("listing", str(_("挂牌督办")), 30, export=_listing),
]


def ledger_filename() -> str:
    return f"问题隐患清单_{timezone.localdate():%Y%m%d}.xlsx"


MEASURE_COLUMNS: list[Column] = [
    Column("region", str(_("区划")), 14, export=lambda m: m.region.name),
    Column(
        "industry", str(_("行业领域")), 14, export=lambda m: m.industry.name if m.industry else ""
    ),
    Column("problem", str(_("共性问题/突出隐患")), 40, export=lambda m: m.problem),
    Column("measure", str(_("制度措施")), 40, export=lambda m: m.measure),
    Column("lead_unit", str(_("牵头单位")), 16, export=lambda m: m.lead_unit),
    Column("partner_units", str(_("责任单位")), 20, export=lambda m: m.partner_units),
    Column("deadline", str(_("完成时限")), 12, export=lambda m: _day(m.deadline)),
    Column("state", str(_("状态")), 10, export=lambda m: m.get_state_display()),
    Column("progress", str(_("落实情况")), 36, export=lambda m: m.progress),
    Column(
        "hazards",
        str(_("关联隐患")),
        30,
        export=lambda m: "、".join(h.number for h in m.hazards.all()),
    ),
]
