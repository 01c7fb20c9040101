"""Forms of the 应急预案 pages, and what every emergency form shares: the owner of a record
(a government, a department or a unit — an enterprise user's own unit, always), rows typed
one per line (a plan's roles and each level's tasks, a drill's problems: typed, or pasted
from Excel, where a row's cells arrive separated by tabs) and the version a page was read at.

Forms parse what a browser sends and name the field in Chinese when it is wrong; the
services decide the rest (scope, what a state allows, the filing deadline)."""

import re
from datetime import date, datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.forms import DATE_FORMATS, VersionForm, choice_field, date_field, text_field
from anjian.emergency.choices import OwnerKind, PlanType, ResponseLevel, RevisionTrigger
from anjian.enterprises.models import Enterprise
from anjian.regions import selectors as region_selectors
from anjian.regions.models import Department, Region

MAX_MINUTES = 43_200  # 30 days
CELL_SEPARATOR = re.compile(r"\s*[|｜\t]\s*")
ATTACHMENT_TYPES = (
    ".pdf",
    ".ofd",
    ".doc",
    ".docx",
    ".wps",
    ".xls",
    ".xlsx",
    ".jpg",
    ".jpeg",
    ".png",
)


def whole_number(label, *, required: bool = True, min_value: int = 0, **kwargs):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=min_value,
        widget=forms.NumberInput(attrs={"min": min_value, "step": 1, "inputmode": "numeric"}),
        error_messages={
            "required": _("请填写%(label)s") % {"label": label},
            "invalid": _("%(label)s须为整数") % {"label": label},
            "min_value": _("%(label)s不能小于%(n)d") % {"label": label, "n": min_value},
            "max_value": _("%(label)s超出合理范围，请核对") % {"label": label},
        },
        **kwargs,
    )


class ReasonForm(VersionForm):
    reason = text_field(gettext_lazy("理由"), max_length=500, rows=2)


# --- rows, one per line -----------------------------------------------------------------------


class Cell:
    """One column of a typed row: its key, its label, and how its text becomes a value."""

    def __init__(self, key, label, *, required=True, kind="text", max_length=200):
        self.key, self.label, self.required = key, label, required
        self.kind, self.max_length = kind, max_length

    def value(self, text: str):
        if not text:
            if self.required:
                raise ValueError(_("缺少“%(label)s”") % {"label": self.label})
            return None if self.kind != "text" else ""
        if self.kind == "minutes":
            if not text.isdigit() or not 0 < int(text) <= MAX_MINUTES:
                raise ValueError(
                    _("“%(label)s”须为1至43200之间的整数（分钟），持续任务留空")
                    % {"label": self.label}
                )
            return int(text)
        if self.kind == "date":
            return parse_date(text, self.label)
        if len(text) > self.max_length:
            raise ValueError(
                _("“%(label)s”最多%(n)d个字") % {"label": self.label, "n": self.max_length}
            )
        return text


def parse_date(text: str, label) -> date:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("“%(label)s”须为日期，如 2025-06-30") % {"label": label})


def parse_rows(text: str, cells: list[Cell]) -> list[dict]:
    """Each non-empty line of ``text`` as {key: value}; ValidationError naming the line."""
    rows, problems = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = CELL_SEPARATOR.split(line.strip())
        if len(parts) > len(cells):
            head = "｜".join(str(c.label) for c in cells)
            problems.append(
                _("第%(n)d行：最多%(k)d项，请按“%(head)s”填写")
                % {"n": number, "k": len(cells), "head": head}
            )
            continue
        parts += [""] * (len(cells) - len(parts))
        row = {}
        for cell, part in zip(cells, parts, strict=True):
            try:
                row[cell.key] = cell.value(part.strip())
            except ValueError as error:
                problems.append(_("第%(n)d行：%(e)s") % {"n": number, "e": error})
                break
        else:
            rows.append(row)
    if problems:
        raise forms.ValidationError(problems)
    return rows


def rows_text(rows, keys) -> str:
    """Rows back to the text a form shows (for editing what is there)."""
    lines = []
    for row in rows:
        values = [getattr(row, key) for key in keys]
        lines.append("｜".join("" if v is None else str(v) for v in values).rstrip("｜"))
    return "\n".join(lines)


# --- the owner ------------------------------------------------------------------------------


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.region.name} {obj.name}"


def owner_regions(user):
    """The regions a government user may own a record at: their districts and streets."""
    codes = [r.code for r in region_selectors.districts_in(user)]
    codes += [r.code for r in region_selectors.streets_for(user)]
    if user.scope.region_prefix:
        codes.append(user.scope.region_prefix)
    inside = [code for code in codes if user.scope.covers_region(code)]
    return Region.objects.filter(code__in=inside).order_by("code")


class OwnerForm(forms.Form):
    """Who owns the record. An enterprise user's records are their own unit's (the fields
    are left off; the services force it too); a government user picks a government (a
    district or street), a department, or a unit (the picker on the page: ``enterprise``
    carries the chosen unit's id)."""

    owner_kind = choice_field(gettext_lazy("所属主体"), OwnerKind.choices)
    region = RegionChoiceField(
        label=gettext_lazy("所属区划"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("请选择"),
        error_messages={"invalid_choice": _("请选择您管辖范围内的区划")},
    )
    department = DepartmentChoiceField(
        label=gettext_lazy("所属部门"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("请选择"),
        error_messages={"invalid_choice": _("请选择您管辖范围内的部门")},
    )
    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("所属单位"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("请选择您管辖范围内的登记单位")},
    )

    OWNER_FIELDS = ("owner_kind", "region", "department", "enterprise")
    owner_changes = True  # False: an existing record keeps its owner (plans, drills)

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.instance = user, instance
        self.own_unit = user.scope.enterprise_id is not None
        self.owner_fixed = instance is not None and not self.owner_changes
        if self.own_unit or self.owner_fixed:
            for name in self.OWNER_FIELDS:
                del self.fields[name]
            return
        self.fields["region"].queryset = owner_regions(user)
        self.fields["department"].queryset = region_selectors.departments_for(user)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user)
        if instance is not None and not self.is_bound:
            for name in self.OWNER_FIELDS:
                self.initial[name] = getattr(instance, f"{name}_id", None) or getattr(
                    instance, name
                )
        elif not self.is_bound:
            self.initial.setdefault("owner_kind", OwnerKind.GOVERNMENT)
            self.initial.setdefault("region", user.scope.region_prefix)
            department = user.department
            if department is not None and not department.is_comprehensive:
                self.initial.update(owner_kind=OwnerKind.DEPARTMENT, department=department.pk)

    @property
    def picked(self):
        """The unit the form holds (to show as chosen on the page)."""
        if self.own_unit or self.owner_fixed:
            return None
        value = self.data.get("enterprise") if self.is_bound else self.initial.get("enterprise")
        try:
            pk = int(value)
        except (TypeError, ValueError):
            return None
        return self.fields["enterprise"].queryset.select_related("street").filter(pk=pk).first()

    def clean(self):
        data = super().clean()
        if self.own_unit or self.owner_fixed:
            return data
        kind = data.get("owner_kind")
        if kind == OwnerKind.DEPARTMENT:
            department = data.get("department")
            if department is None and "department" not in self.errors:
                self.add_error("department", _("请选择所属部门"))
            elif department is not None:
                data["region"] = department.region
        elif kind == OwnerKind.ENTERPRISE:
            enterprise = data.get("enterprise")
            if enterprise is None and "enterprise" not in self.errors:
                self.add_error("enterprise", _("请查找并选择所属单位"))
            elif enterprise is not None:
                data["region"] = Region.objects.filter(code=enterprise.street_id).first()
            data["department"] = None
        elif kind == OwnerKind.GOVERNMENT:
            if data.get("region") is None and "region" not in self.errors:
                self.add_error("region", _("请选择所属区划（区或街镇）"))
            data["department"], data["enterprise"] = None, None
        return data

    def owner_data(self) -> dict:
        """The owner as the services take it (FKs by id); nothing for a kept owner."""
        if self.owner_fixed:
            return {}
        if self.own_unit:
            enterprise = Enterprise.objects.get(pk=self.user.scope.enterprise_id)
            return {
                "owner_kind": OwnerKind.ENTERPRISE,
                "enterprise_id": enterprise.pk,
                "region_id": enterprise.street_id,
                "department_id": None,
            }
        data = self.cleaned_data
        region, department = data.get("region"), data.get("department")
        enterprise = data.get("enterprise") if data["owner_kind"] == OwnerKind.ENTERPRISE else None
        return {
            "owner_kind": data["owner_kind"],
            "region_id": region.code if region else None,
            "department_id": department.pk if department else None,
            "enterprise_id": enterprise.pk if enterprise else None,
        }


# --- a plan ---------------------------------------------------------------------------------

LEVELS = list(ResponseLevel)
TASK_CELLS = [
    Cell("title", gettext_lazy("任务")),
    Cell("responsible", gettext_lazy("责任岗位/单位"), max_length=120),
    Cell("due_minutes", gettext_lazy("时限（分钟）"), required=False, kind="minutes"),
]
ROLE_CELLS = [
    Cell("name", gettext_lazy("岗位/工作组"), max_length=60),
    Cell("holder", gettext_lazy("由谁担任"), max_length=120),
    Cell("duties", gettext_lazy("职责"), max_length=2000),
]
PLAN_FIELDS = (
    "title",
    "plan_type",
    "edition",
    "scope_text",
    "risks",
    "command_structure",
    "assessment_cycle_years",
)


class PlanForm(VersionForm, OwnerForm):
    """登记/修改预案 (``plan_create`` / ``plan_update``, a draft only): the text, the
    owner (kept when editing), the response levels with their tasks and the roles."""

    owner_changes = False
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = text_field(gettext_lazy("预案名称"), max_length=200)
    plan_type = choice_field(gettext_lazy("预案类型"), PlanType.choices)
    edition = text_field(
        gettext_lazy("版本"), max_length=40, help_text=gettext_lazy("如“2025年版”“第三版”")
    )
    scope_text = text_field(gettext_lazy("适用范围"), max_length=2000, required=False, rows=2)
    risks = text_field(
        gettext_lazy("针对的风险"),
        max_length=2000,
        rows=3,
        help_text=gettext_lazy("风险评估确定的主要风险和可能发生的事件类型"),
    )
    command_structure = text_field(
        gettext_lazy("应急组织机构及职责"), max_length=4000, required=False, rows=3
    )
    assessment_cycle_years = whole_number(
        gettext_lazy("评估周期（年）"),
        min_value=1,
        max_value=10,
        initial=3,
        help_text=gettext_lazy("应急预案至少每三年评估一次"),
    )
    roles = text_field(
        gettext_lazy("应急职责"),
        max_length=20000,
        required=False,
        rows=4,
        help_text=gettext_lazy("每行一项：岗位/工作组｜由谁担任｜职责（可从 Excel 复制整行粘贴）"),
    )

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, user=user, instance=instance, **kwargs)
        for level in LEVELS:
            self.fields[f"level_{level.value}_trigger"] = text_field(
                _("启动条件"), max_length=2000, required=False, rows=2
            )
            self.fields[f"level_{level.value}_commander"] = text_field(
                _("总指挥"), max_length=120, required=False
            )
            self.fields[f"level_{level.value}_tasks"] = text_field(
                _("响应任务"),
                max_length=20000,
                required=False,
                rows=3,
                help_text=_("每行一项：任务｜责任岗位/单位｜时限（分钟，持续任务不填）"),
            )
        if instance is not None and not self.is_bound:
            self._fill_from(instance)

    def _fill_from(self, plan) -> None:
        self.initial.update({name: getattr(plan, name) for name in PLAN_FIELDS})
        self.initial["version"] = plan.version
        self.initial["roles"] = rows_text(plan.roles.all(), ("name", "holder", "duties"))
        tasks = list(plan.tasks.all())
        for level in plan.levels.all():
            self.initial[f"level_{level.level}_trigger"] = level.trigger
            self.initial[f"level_{level.level}_commander"] = level.commander
            self.initial[f"level_{level.level}_tasks"] = rows_text(
                [t for t in tasks if t.level == level.level],
                ("title", "responsible", "due_minutes"),
            )

    def level_rows(self):
        """[(level, trigger field, commander field, tasks field)] for the template."""
        return [
            (
                level,
                self[f"level_{level.value}_trigger"],
                self[f"level_{level.value}_commander"],
                self[f"level_{level.value}_tasks"],
            )
            for level in LEVELS
        ]

    def clean_roles(self):
        return parse_rows(self.cleaned_data.get("roles"), ROLE_CELLS)

    def clean(self):
        data = super().clean()
        for level in LEVELS:
            key = f"level_{level.value}"
            try:
                data[f"{key}_tasks"] = parse_rows(data.get(f"{key}_tasks"), TASK_CELLS)
            except forms.ValidationError as error:
                self.add_error(f"{key}_tasks", error)
                continue
            trigger, commander = data.get(f"{key}_trigger"), data.get(f"{key}_commander")
            if (trigger or data[f"{key}_tasks"]) and not commander:
                self.add_error(
                    f"{key}_commander", _("请填写%(level)s的总指挥") % {"level": level.label}
                )
            if (commander or data[f"{key}_tasks"]) and not trigger:
                self.add_error(
                    f"{key}_trigger", _("请填写%(level)s的启动条件") % {"level": level.label}
                )
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        levels, tasks = [], []
        for level in LEVELS:
            key = f"level_{level.value}"
            if data.get(f"{key}_trigger"):
                levels.append(
                    {
                        "level": level.value,
                        "trigger": data[f"{key}_trigger"],
                        "commander": data[f"{key}_commander"],
                    }
                )
            tasks += [{"level": level.value, **task} for task in data.get(f"{key}_tasks") or []]
        values = {name: data.get(name) for name in PLAN_FIELDS}
        values.update(self.owner_data())
        return {"data": values, "levels": levels, "roles": data.get("roles") or [], "tasks": tasks}


# --- the plan's page: transitions and operations ----------------------------------------------


class PublishForm(VersionForm):
    published_on = date_field(
        gettext_lazy("发布日期"),
        help_text=gettext_lazy("签署发布之日；备案期限自次日起按工作日计算"),
    )


class SubmitForm(VersionForm):
    filing_authority = text_field(
        gettext_lazy("备案受理单位"),
        max_length=120,
        help_text=gettext_lazy("如：杨浦区应急管理局"),
    )


class FileForm(VersionForm):
    filing_number = text_field(
        gettext_lazy("备案编号"), max_length=60, help_text=gettext_lazy("备案登记表上的编号")
    )
    filed_on = date_field(
        gettext_lazy("备案日期"), required=False, help_text=gettext_lazy("空白为今天")
    )


class ReturnForm(VersionForm):
    reason = text_field(
        gettext_lazy("退回理由"),
        max_length=2000,
        rows=2,
        help_text=gettext_lazy("写明材料缺少或需修改之处"),
    )


class AbolishForm(VersionForm):
    reason = text_field(gettext_lazy("废止理由"), max_length=2000, rows=2)


TRANSITION_FORMS = {
    "publish": PublishForm,
    "submit": SubmitForm,
    "file": FileForm,
    "return": ReturnForm,
    "abolish": AbolishForm,
}


class AssessForm(forms.Form):
    assessed_on = date_field(gettext_lazy("评估日期"))
    conclusion = text_field(gettext_lazy("评估结论"), max_length=2000, rows=3)
    needs_revision = forms.BooleanField(label=gettext_lazy("需要修订"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("assessed_on", timezone.localdate())


class TriggerForm(forms.Form):
    trigger = choice_field(gettext_lazy("修订情形"), RevisionTrigger.choices)
    conclusion = text_field(
        gettext_lazy("情况说明"),
        max_length=2000,
        rows=2,
        help_text=gettext_lazy("发生了什么变化，预案哪些内容需要修订"),
    )


class AttachForm(forms.Form):
    name = text_field(
        gettext_lazy("附件名称"),
        max_length=200,
        help_text=gettext_lazy(
            "如：预案正文（签发稿）、风险评估报告、应急资源调查报告、备案登记表"
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("文件"),
        error_messages={"required": _("请选择要上传的文件"), "empty": _("文件是空的")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ATTACHMENT_TYPES):
            raise forms.ValidationError(
                _("只能上传 PDF、OFD、Word、WPS、Excel 文件或 JPG、PNG 图片")
            )
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("文件超过 %(mb)d MB") % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload
