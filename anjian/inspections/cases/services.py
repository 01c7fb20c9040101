"""Every write of the administrative penalty cases (行政处罚案件) and of the discretion table
(自由裁量基准). Pages, the API and the demo call these.

- ``case_file`` 立案: a unit in the writer's scope, at least two handlers (承办人) of the
  filing department, each with a 执法证 valid today (办法 Art. 24), optionally the
  completed inspection it came from; due for a decision 30 days after filing (办法 Art. 32);
  its 立案审批表 is issued and the case takes that form's number (``numbering.take`` of
  ``case_filing``: one 立 series without gaps).
- ``case_weigh`` 裁量: the rule of the discretion table and the fine, inside the rule's
  range or with the reason it is not (recorded as 超出基准). The weighing decides whether
  the case needs 法制审核 (行政处罚法 Art. 58): a larger fine for an organisation
  (≥ 50,000 CNY, the hearing threshold of 办法 Art. 33), 停产停业 / 关闭 / 吊销 / 暂扣, a
  complex case, a fine outside the table — and a case the reviewer returned stays one
  that needs review.
- ``case_transition``: the lifecycle's steps (``lifecycle.CASE``; the gate that holds a
  case needing review before 告知 and 决定 is its condition ``reviewed_if_needed``). 告知,
  决定 and 移送 issue their documents (行政处罚告知书, 行政处罚决定书, 涉嫌犯罪案件移送书).

Every step is appended to the case's 执法全过程记录 (``chain``) with the phone's position
when it sent one; a document a step issues follows it as its own entry (``documents.issue``
names the file's hash).

The discretion table is edited by users with ``inspection.standards`` whose scope covers
the whole deployment (it serves every district); a rule is retired, never deleted, and a
rule a case was weighed by keeps its range and wording (retire it and add a new one).
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accounts.roles import Role
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.scoping import ensure_in_scope, require_city_wide
from anjian.core.services import writable
from anjian.enterprises.models import Enterprise
from anjian.inspections import chain, documents
from anjian.inspections import permissions as perms
from anjian.inspections.case_models import Case, CaseState, Circumstance, DiscretionRule
from anjian.inspections.cases.selectors import visible_cases
from anjian.inspections.lifecycle import CASE, CASE_GUARDS
from anjian.inspections.models import Inspection, Inspector
from anjian.inspections.record_models import DocumentKind, InspectionState
from anjian.inspections.services import department_for_write

MIN_HANDLERS = 2  # 办法 Art. 24: at least two enforcement officers
DECIDE_WITHIN_DAYS = 30  # 办法 Art. 32: a decision within 30 days of filing
LARGE_FINE = 50_000  # 办法 Art. 33: a larger fine for an organisation (hearing right)
SEVERE_MEASURES = ("停产停业", "关闭", "吊销", "暂扣")
WEIGHABLE = (CaseState.FILED, CaseState.INVESTIGATING)
PROVISIONAL_NUMBER = "—"  # until the 立案审批表 gives the case its number, in the same transaction

# What each transition writes on the case besides its state, and what it issues.
TRANSITION_FIELDS = {
    "pass_review": ("legal_review_opinion",),
    "execute": ("execution_note", "paid_on"),
    "transfer": ("transferred_to",),
}
FIELD_LIMITS = {
    "legal_review_opinion": 2000,
    "execution_note": 500,
    "transferred_to": 120,
}
REQUIRED_MESSAGES = {
    "legal_review_opinion": gettext_lazy("请填写法制审核意见"),
    "execution_note": gettext_lazy("请填写执行情况（缴款或履行情况）"),
    "transferred_to": gettext_lazy("请填写接收移送的机关，如：XX市公安局XX分局"),
}
REASON_MESSAGES = {
    "return_review": gettext_lazy("请写明退回理由"),
    "transfer": gettext_lazy("请写明移送理由（涉嫌的罪名和依据）"),
    "drop": gettext_lazy("请写明不予处罚的理由"),
}
DOCUMENTS = {
    "notify": DocumentKind.PENALTY_NOTICE,
    "decide": DocumentKind.PENALTY_DECISION,
    "transfer": DocumentKind.CASE_TRANSFER,
}
RULE_FIELDS = (
    "code",
    "violation",
    "violated_basis",
    "penalty_basis",
    "circumstance",
    "circumstance_note",
    "fine_min",
    "fine_max",
    "other_measures",
)
# What a rule a case was weighed by may still change (wording of the circumstances).
RULE_FIELDS_WHEN_USED = ("circumstance_note",)


def _require(by, action: str) -> None:
    if not by.can(action):
        raise NotPermitted()


def _position(latitude, longitude) -> dict:
    return {"latitude": latitude, "longitude": longitude}


def _case_for_write(by, case_id: int) -> Case:
    """The case through ``by``'s scope (and department, for a 行业部门 user or an 执法人员),
    locked until the transaction ends."""
    found = visible_cases(by).select_for_update(of=("self",)).filter(pk=case_id).first()
    if found is None:
        raise OutOfScope()
    return found


# --- 立案 --------------------------------------------------------------------------------------


def _filing_department(by, department_id):
    """The user's department (or, for a user without one, the department they name)."""
    department_id = department_id or by.department_id
    if department_id is None:
        raise ValidationError({"department": _("请选择立案部门")})
    if by.role in (Role.DEPARTMENT, Role.INSPECTOR) and department_id != by.department_id:
        raise NotPermitted(_("只能以本部门名义立案"))
    return department_for_write(by, department_id, refusal=_("只能以本部门名义立案"))


def _handlers(department, handler_ids, today: date) -> list[Inspector]:
    ids = {int(pk) for pk in handler_ids or ()}
    found = list(
        Inspector.objects.filter(pk__in=ids).select_related("user", "department").order_by("pk")
    )
    problems = []
    foreign = [i.name for i in found if i.department_id != department.pk]
    if len(found) < len(ids) or foreign:
        problems.append(
            _("承办人须为%(department)s执法检查人员名录库中的人员")
            % {"department": department.name}
        )
    if foreign:
        problems.append(_("%(names)s 不是本部门的执法人员") % {"names": "、".join(foreign)})
    expired = [
        i.name
        for i in found
        if i.department_id == department.pk and not i.certificate_valid_on(today)
    ]
    if expired:
        problems.append(
            _("%(names)s 的执法证已过有效期，不能承办案件") % {"names": "、".join(expired)}
        )
    inactive = [i.name for i in found if not i.user.is_active]
    if inactive:
        problems.append(_("%(names)s 的账号已停用") % {"names": "、".join(inactive)})
    if len(ids) < MIN_HANDLERS:
        problems.append(
            _("案件须由 %(n)s 名以上持有效执法证的执法人员承办（已选 %(m)s 名）")
            % {"n": MIN_HANDLERS, "m": len(ids)}
        )
    if problems:
        raise ValidationError({"handlers": problems})
    return found


def _source_inspection(by, inspection_id, enterprise) -> Inspection:
    found = Inspection.objects.for_user(by).filter(pk=inspection_id).first()
    if found is None:
        raise ValidationError({"inspection": _("来源检查不存在或不在您的管辖范围内")})
    if found.state != InspectionState.DONE:
        raise ValidationError(
            {
                "inspection": _("来源检查“%(state)s”，须为已完成的现场检查")
                % {"state": found.get_state_display()}
            }
        )
    if enterprise is not None and found.enterprise_id != enterprise.pk:
        raise ValidationError({"inspection": _("来源检查的被检查单位与当事人不符")})
    return found


def case_file(
    by,
    *,
    enterprise_id: int,
    title: str,
    facts: str,
    handler_ids,
    inspection_id: int | None = None,
    department_id: int | None = None,
    latitude=None,
    longitude=None,
) -> Case:
    """立案: store the case, its handlers and 立案审批表; record the step. An 执法人员 who
    files a case is one of its handlers (else they could not take its next steps)."""
    _require(by, perms.INSPECTION_CASE)
    title, facts = (title or "").strip(), (facts or "").strip()
    errors: dict = {}
    if not title:
        errors["title"] = _("请填写案由")
    elif len(title) > 200:
        errors["title"] = _("案由不能超过 200 字")
    if not facts:
        errors["facts"] = _("请写明违法事实")
    elif len(facts) > 4000:
        errors["facts"] = _("违法事实不能超过 4000 字")
    today = timezone.localdate()
    with transaction.atomic():
        department = _filing_department(by, department_id)
        enterprise = Enterprise.objects.for_user(by).filter(pk=enterprise_id).first()
        if enterprise is None:
            errors["enterprise"] = _("请选择您管辖范围内的单位作为当事人")
        inspection = None
        if inspection_id:
            try:
                inspection = _source_inspection(by, inspection_id, enterprise)
            except ValidationError as error:
                errors.update(error.message_dict)
        try:
            handlers = _handlers(department, handler_ids, today)
            if by.role == Role.INSPECTOR and not any(i.user_id == by.pk for i in handlers):
                errors["handlers"] = [_("执法人员立案时，本人须是承办人之一")]
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)
        case = Case(
            number=PROVISIONAL_NUMBER,
            department=department,
            enterprise=enterprise,
            inspection=inspection,
            title=title,
            facts=facts,
            filed_on=today,
            decide_by=today + timedelta(days=DECIDE_WITHIN_DAYS),
            created_by=by,
        )
        case.full_clean(exclude=["handlers"])
        case.save()
        case.handlers.set(handlers)
        ensure_in_scope(by, case, field="enterprise")
        chain.append(
            chain.chain_key(case),
            by=by,
            action="file",
            summary=_("立案：%(title)s，当事人 %(unit)s，承办人 %(names)s")
            % {
                "title": title,
                "unit": enterprise.name,
                "names": "、".join(i.name for i in handlers),
            },
            data={
                "enterprise": enterprise.pk,
                "inspection": inspection.pk if inspection else None,
                "handlers": [i.certificate_number for i in handlers],
                "filed_on": today.isoformat(),
                "decide_by": case.decide_by.isoformat(),
            },
            **_position(latitude, longitude),
        )
        # The case is known by the number of its 立案审批表 (numbering.take inside issue):
        # one 立 series without gaps, the number on the form and on the case the same.
        filing = documents.issue(by=by, kind=DocumentKind.CASE_FILING, case=case)
        Case.objects.filter(pk=case.pk).update(number=filing.number)
        case.number = filing.number
        CASE.record_event(
            case,
            action="file",
            by=by,
            to_state=CaseState.FILED,
            data={"number": case.number, "handlers": [i.pk for i in handlers]},
        )
    return case


# --- 裁量 --------------------------------------------------------------------------------------


def review_triggers(
    *, fine: int, other_measures: str, complex_case: bool, outside_range: bool
) -> list[str]:
    """Why a case so weighed needs 法制审核 (行政处罚法 Art. 58), in words; empty: it does not."""
    reasons = []
    if fine >= LARGE_FINE:
        reasons.append(_("较大数额罚款（%(n)s元以上）") % {"n": f"{LARGE_FINE:,}"})
    severe = [word for word in SEVERE_MEASURES if word in (other_measures or "")]
    if severe:
        reasons.append(_("拟%(m)s") % {"m": "、".join(severe)})
    if complex_case:
        reasons.append(_("案情复杂"))
    if outside_range:
        reasons.append(_("罚款超出自由裁量基准"))
    return reasons


def case_weigh(
    by,
    *,
    case_id: int,
    expected_version: int | None,
    rule_id: int,
    fine: int,
    fine_reason: str = "",
    other_measures: str = "",
    complex_case: bool = False,
    latitude=None,
    longitude=None,
) -> Case:
    """裁量: the rule, the fine (inside the rule's range, or with ``fine_reason``) and other
    measures (the rule's when left empty); sets whether the case needs 法制审核."""
    _require(by, perms.INSPECTION_CASE)
    fine_reason = (fine_reason or "").strip()
    other_measures = (other_measures or "").strip()
    with transaction.atomic():
        case = _case_for_write(by, case_id)
        for guard in CASE_GUARDS:
            refusal = guard(by, case)
            if refusal:
                raise NotPermitted(refusal)
        if case.state not in WEIGHABLE:
            raise Conflict(
                _("案件当前为“%(state)s”，只有已立案或调查取证中的案件可以裁量")
                % {"state": case.get_state_display()},
                state=case.state,
                state_label=case.get_state_display(),
            )
        if expected_version is not None and case.version != expected_version:
            raise Conflict()
        rule = DiscretionRule.objects.filter(pk=rule_id).first()
        errors: dict = {}
        if rule is None or not rule.is_active:
            errors["rule"] = _("请选择启用中的自由裁量基准")
        if fine is None or fine < 0:
            errors["fine"] = _("请填写罚款金额（元，不处罚款填 0）")
        elif fine == 0 and not (other_measures or (rule and rule.other_measures)):
            errors["other_measures"] = _("不处罚款时须写明其他处罚（如警告）")
        if len(fine_reason) > 500:
            errors["fine_reason"] = _("裁量理由不能超过 500 字")
        if len(other_measures) > 200:
            errors["other_measures"] = _("其他处罚不能超过 200 字")
        if errors:
            raise ValidationError(errors)
        outside = not rule.fine_min <= fine <= rule.fine_max
        if outside and not fine_reason:
            raise ValidationError(
                {
                    "fine": _(
                        "罚款金额须在基准范围 %(min)s–%(max)s 元内；超出基准须在裁量理由中说明"
                    )
                    % {"min": f"{rule.fine_min:,}", "max": f"{rule.fine_max:,}"}
                }
            )
        other_measures = other_measures or rule.other_measures
        reasons = review_triggers(
            fine=fine,
            other_measures=other_measures,
            complex_case=complex_case,
            outside_range=outside,
        )
        if case.transitions.filter(action="return_review").exists():
            reasons.append(_("法制审核退回后重新裁量"))
        values = {
            "rule": rule,
            "fine": fine,
            "fine_reason": fine_reason,
            "other_measures": other_measures,
            "needs_legal_review": bool(reasons),
            "legal_review_reason": "；".join(reasons)[:200],
        }
        updated = Case.objects.filter(pk=case.pk, version=case.version).update(
            **values, version=F("version") + 1, updated_at=timezone.now()
        )
        if not updated:
            raise Conflict()
        for name, value in values.items():
            setattr(case, name, value)
        case.version += 1
        data = {
            "rule": rule.pk,
            "code": rule.code,
            "circumstance": rule.circumstance,
            "range": [rule.fine_min, rule.fine_max],
            "fine": fine,
            "outside_range": outside,
            "other_measures": other_measures,
            "needs_legal_review": bool(reasons),
            "review_reasons": reasons,
        }
        CASE.record_event(case, action="weigh", by=by, reason=fine_reason, data=data)
        summary = _("裁量：%(rule)s，罚款 %(fine)s 元") % {"rule": rule, "fine": f"{fine:,}"}
        if outside:
            summary += _("（超出基准 %(min)s–%(max)s 元：%(why)s）") % {
                "min": f"{rule.fine_min:,}",
                "max": f"{rule.fine_max:,}",
                "why": fine_reason,
            }
        if reasons:
            summary += _("；须法制审核：%(r)s") % {"r": "；".join(reasons)}
        chain.append(
            chain.chain_key(case),
            by=by,
            action="weigh",
            summary=summary,
            data=data,
            **_position(latitude, longitude),
        )
    return case


# --- the lifecycle's steps ---------------------------------------------------------------------


def _transition_values(name: str, values: dict) -> dict:
    """The fields ``name`` writes, checked (unknown keys refused by name)."""
    values = writable(values or {}, TRANSITION_FIELDS.get(name, ()))
    cleaned, errors = {}, {}
    for field, limit in FIELD_LIMITS.items():
        if field not in TRANSITION_FIELDS.get(name, ()):
            continue
        text = str(values.get(field) or "").strip()
        if not text and field in CASE.transition(name).required:
            errors[field] = str(REQUIRED_MESSAGES[field])
        elif len(text) > limit:
            errors[field] = _("不能超过 %(n)s 字") % {"n": limit}
        cleaned[field] = text
    if "paid_on" in TRANSITION_FIELDS.get(name, ()):
        paid_on = values.get("paid_on")
        if isinstance(paid_on, str):
            paid_on = parse_date(paid_on) if paid_on else None
            if values.get("paid_on") and paid_on is None:
                errors["paid_on"] = _("日期格式应为 YYYY-MM-DD")
        if paid_on is not None and paid_on > timezone.localdate():
            errors["paid_on"] = _("缴款日期不能晚于今天")
        cleaned["paid_on"] = paid_on
    if errors:
        raise ValidationError(errors)
    return cleaned


def case_transition(
    by,
    *,
    case_id: int,
    name: str,
    expected_version: int | None,
    reason: str = "",
    values: dict | None = None,
    latitude=None,
    longitude=None,
) -> Case:
    """One step of the case (``lifecycle.CASE``): ``values`` are the fields it writes
    (``TRANSITION_FIELDS``); 告知, 决定 and 移送 issue their documents. The same user
    sending the same step twice gets the case back (replay)."""
    transition = CASE.by_name.get(name)
    if transition is None or transition.internal:
        raise ValidationError({"name": _("没有“%(name)s”这个办理环节") % {"name": name}})
    reason = (reason or "").strip()
    errors: dict = {}
    if transition.needs_reason and not reason:
        errors["reason"] = str(REASON_MESSAGES.get(name, _("请写明原因")))
    elif len(reason) > 2000:
        errors["reason"] = _("原因不能超过 2000 字")
    try:
        cleaned = _transition_values(name, values or {})
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = _case_for_write(by, case_id)
        step = CASE.begin(by=by, obj=case, name=name, expected_version=expected_version)
        if step.replay:
            return step.obj
        today = timezone.localdate()
        if name == "decide":
            cleaned["decided_on"] = today
        paid_on = cleaned.get("paid_on")
        if paid_on is not None and case.decided_on and paid_on < case.decided_on:
            raise ValidationError({"paid_on": _("缴款日期不能早于处罚决定日期")})
        data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in cleaned.items()}
        case = CASE.commit(step, by=by, values=cleaned, reason=reason, data=data)
        summary = str(transition.label)
        if reason:
            summary += _("：%(r)s") % {"r": reason}
        chain.append(
            chain.chain_key(case),
            by=by,
            action=name,
            summary=summary,
            data={"from": step.from_state, "to": transition.target, **data},
            **_position(latitude, longitude),
        )
        if name in DOCUMENTS:  # its own step on the record, naming the file's hash
            documents.issue(by=by, kind=DOCUMENTS[name], case=case)
    return case


# --- the discretion table ------------------------------------------------------------------------


def _require_standards(by) -> None:
    """The role's ``inspection.standards`` and a scope over the whole deployment; a role
    that has the action but a smaller scope is told so."""
    if by.role_grants(perms.INSPECTION_STANDARDS):
        require_city_wide(by, what=_("自由裁量基准"))
    _require(by, perms.INSPECTION_STANDARDS)


def discretion_rule_save(
    by, *, rule_id: int | None = None, data: dict, version: int | None = None
) -> DiscretionRule:
    """Add a rule (``rule_id`` None) or change one: ``data`` holds ``RULE_FIELDS``. A rule
    a case was weighed by changes only its ``circumstance_note``; retired rules not at all."""
    _require_standards(by)
    data = writable(data, RULE_FIELDS)
    with transaction.atomic():
        if rule_id is None:
            rule = DiscretionRule()
        else:
            rule = DiscretionRule.objects.select_for_update().filter(pk=rule_id).first()
            if rule is None:
                raise OutOfScope()
            if version is not None and rule.version != version:
                raise Conflict()
            if not rule.is_active:
                raise Conflict(_("已停用的裁量基准不能修改；请新增一条"))
            if rule.cases.exists():
                locked = [
                    str(DiscretionRule._meta.get_field(name).verbose_name)
                    for name, value in data.items()
                    if name not in RULE_FIELDS_WHEN_USED and value != getattr(rule, name)
                ]
                if locked:
                    raise ValidationError(
                        _(
                            "已有案件适用该基准，不能修改%(fields)s；"
                            "请停用该基准后新增一条（已办案件仍按原基准显示）"
                        )
                        % {"fields": "、".join(locked)}
                    )
            rule.version += 1
        for name, value in data.items():
            setattr(rule, name, value.strip() if isinstance(value, str) else value)
        errors = {}
        if rule.circumstance not in Circumstance.values:
            errors["circumstance"] = _("请选择情节")
        ordered = isinstance(rule.fine_min, int) and isinstance(rule.fine_max, int)
        if ordered and rule.fine_min > rule.fine_max:
            errors["fine_max"] = _("罚款上限不能低于下限")
        taken = DiscretionRule.objects.filter(
            code=rule.code, circumstance=rule.circumstance, is_active=True
        ).exclude(pk=rule.pk)
        if "circumstance" not in errors and rule.code and taken.exists():
            errors["circumstance"] = _("该违法行为已有启用中的“%(c)s”档基准") % {
                "c": Circumstance(rule.circumstance).label
            }
        if errors:
            raise ValidationError(errors)
        rule.full_clean()
        rule.save()
    return rule


def discretion_rule_retire(by, *, rule_id: int, version: int | None = None) -> DiscretionRule:
    """停用: the rule is no longer offered; cases weighed by it keep it."""
    _require_standards(by)
    with transaction.atomic():
        rule = DiscretionRule.objects.select_for_update().filter(pk=rule_id).first()
        if rule is None:
            raise OutOfScope()
        if not rule.is_active:
            return rule
        if version is not None and rule.version != version:
            raise Conflict()
        rule.is_active = False
        rule.version += 1
        rule.save(update_fields=["is_active", "version", "updated_at"])
    return rule
