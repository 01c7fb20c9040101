"""Forms of the 应急资源 pages: teams and their members, warehouses and their stock lines,
the stock ledger's receipts, issues, transfers and counts, equipment, shelters and experts.

The registry forms hold the owner (``OwnerForm``) and the place (``LocatedForm``) as
the plan forms do; ``service_data()`` is the ``data`` dict the services take."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.emergency.choices import (
    EquipmentStatus,
    ExpertField,
    MovementKind,
    Readiness,
    ShelterKind,
    ShelterStatus,
    Speciality,
    StorageLevel,
    SupplyCategory,
    TeamKind,
)
from anjian.emergency.forms_plans import (
    OwnerForm,
    choice_field,
    date_field,
    text_field,
    whole_number,
)
from anjian.emergency.models import RescueTeam, Supply, Warehouse

PLACE_FIELDS = ("address", "latitude", "longitude")
QUANTITY_LIMIT = 10_000_000


class LocatedForm(forms.Form):
    """Where a resource is (WGS 84, as a phone's GPS gives it)."""

    address = text_field(gettext_lazy("地址"), max_length=200, required=False)
    latitude = forms.FloatField(
        label=gettext_lazy("纬度"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        error_messages={
            "invalid": _("纬度须为数字，如 31.2836"),
            "min_value": _("纬度须在 -90 至 90 之间"),
            "max_value": _("纬度须在 -90 至 90 之间"),
        },
    )
    longitude = forms.FloatField(
        label=gettext_lazy("经度"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        error_messages={
            "invalid": _("经度须为数字，如 121.5262"),
            "min_value": _("经度须在 -180 至 180 之间"),
            "max_value": _("经度须在 -180 至 180 之间"),
        },
    )

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None) and not (
            "latitude" in self.errors or "longitude" in self.errors
        ):
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, _("经纬度须同时填写，或都不填"))
        return data


class RegistryForm(OwnerForm, LocatedForm):
    """A resource's form: its own ``FIELDS``, the owner and (``located``) the place."""

    FIELDS: tuple[str, ...] = ()
    located = True
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, user=user, instance=instance, **kwargs)
        if not self.located:
            for name in PLACE_FIELDS:
                del self.fields[name]
        if instance is not None and not self.is_bound:
            self.initial["version"] = instance.version
            names = self.FIELDS + (PLACE_FIELDS if self.located else ())
            self.initial.update({name: self.initial_value(instance, name) for name in names})

    def initial_value(self, instance, name):
        value = getattr(instance, name)
        return value.pk if hasattr(value, "pk") else value

    def values(self) -> dict:
        data = self.cleaned_data
        names = self.FIELDS + (PLACE_FIELDS if self.located else ())
        return {name: data.get(name) for name in names}

    def service_data(self) -> dict:
        return {**self.values(), **self.owner_data()}


def phone_field(label, *, required=True):
    return text_field(label, max_length=40, required=required)


# --- teams ----------------------------------------------------------------------------------


class TeamForm(RegistryForm):
    FIELDS = (
        "name",
        "kind",
        "specialities",
        "leader",
        "phone",
        "duty_phone",
        "headcount",
        "equipment_summary",
        "readiness",
        "active",
    )

    name = text_field(gettext_lazy("队伍名称"), max_length=120)
    kind = choice_field(gettext_lazy("队伍类型"), TeamKind.choices)
    specialities = forms.MultipleChoiceField(
        label=gettext_lazy("专业方向"),
        choices=Speciality.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个专业方向")},
    )
    leader = text_field(gettext_lazy("队长"), max_length=60)
    phone = phone_field(gettext_lazy("联系电话"))
    duty_phone = phone_field(gettext_lazy("值班电话"), required=False)
    headcount = whole_number(gettext_lazy("队员人数"), max_value=100_000, initial=0)
    equipment_summary = text_field(
        gettext_lazy("主要装备"), max_length=2000, required=False, rows=2
    )
    readiness = choice_field(
        gettext_lazy("战备状态"),
        [(v, label) for v, label in Readiness.choices if v != Readiness.DEPLOYED],
        initial=Readiness.READY,
        help_text=gettext_lazy("“出动中”由调派自动设置"),
    )
    active = forms.BooleanField(label=gettext_lazy("在册"), required=False, initial=True)

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None and instance.readiness == Readiness.DEPLOYED:
            del self.fields["readiness"]  # while deployed, only the assignment changes it

    def initial_value(self, instance, name):
        if name == "specialities":
            return instance.speciality_codes
        return super().initial_value(instance, name)

    def values(self) -> dict:
        values = super().values()
        if "readiness" not in self.fields:
            del values["readiness"]
        values["active"] = bool(values.get("active"))
        return values


class ReadinessForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    readiness = choice_field(
        gettext_lazy("战备状态"),
        [(v, label) for v, label in Readiness.choices if v != Readiness.DEPLOYED],
    )


class MemberForm(forms.Form):
    name = text_field(gettext_lazy("姓名"), max_length=60)
    role = text_field(gettext_lazy("职务"), max_length=60, required=False)
    speciality = text_field(gettext_lazy("专长"), max_length=60, required=False)
    phone = phone_field(gettext_lazy("联系电话"), required=False)
    certificate = text_field(gettext_lazy("资格证书"), max_length=120, required=False)


# --- warehouses and stock -------------------------------------------------------------------


class WarehouseForm(RegistryForm):
    FIELDS = ("name", "storage_level", "manager", "phone", "area_m2", "active")

    name = text_field(gettext_lazy("储备库名称"), max_length=120)
    storage_level = choice_field(
        gettext_lazy("储备层级"),
        StorageLevel.choices,
        help_text=gettext_lazy("市、区、街镇、居村、家庭五级储备"),
    )
    manager = text_field(gettext_lazy("管理人"), max_length=60)
    phone = phone_field(gettext_lazy("联系电话"))
    area_m2 = whole_number(gettext_lazy("库房面积（㎡）"), required=False, max_value=10_000_000)
    active = forms.BooleanField(label=gettext_lazy("在用"), required=False, initial=True)

    def values(self) -> dict:
        return {**super().values(), "active": bool(self.cleaned_data.get("active"))}


class SupplyForm(forms.Form):
    """A stock line of a warehouse (``supply_create`` with its first receipt, or
    ``supply_update`` — never the quantity, which only the ledger moves)."""

    FIELDS = ("name", "category", "spec", "unit", "batch", "expires_on", "reserve_target", "active")

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = text_field(gettext_lazy("物资名称"), max_length=120)
    category = choice_field(gettext_lazy("物资类别"), SupplyCategory.choices)
    spec = text_field(gettext_lazy("规格型号"), max_length=120, required=False)
    unit = text_field(
        gettext_lazy("计量单位"), max_length=12, help_text=gettext_lazy("如：件、顶、箱、台")
    )
    batch = text_field(gettext_lazy("批次"), max_length=40, required=False)
    expires_on = date_field(gettext_lazy("有效期至"), required=False)
    reserve_target = whole_number(
        gettext_lazy("储备定额"),
        required=False,
        max_value=QUANTITY_LIMIT,
        help_text=gettext_lazy("低于定额时提示补充"),
    )
    active = forms.BooleanField(label=gettext_lazy("在册"), required=False, initial=True)
    quantity = whole_number(
        gettext_lazy("首次入库数量"), required=False, max_value=QUANTITY_LIMIT, initial=0
    )

    def __init__(self, *args, instance=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is None:
            del self.fields["active"]
        else:
            del self.fields["quantity"]
            if not self.is_bound:
                self.initial.update({name: getattr(instance, name) for name in self.FIELDS})
                self.initial["version"] = instance.version

    def service_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.FIELDS if name in self.fields}
        if "active" in data:
            data["active"] = bool(data["active"])
        return data


def quantity_field(label):
    return whole_number(label, min_value=1, max_value=QUANTITY_LIMIT)


class SupplyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        extra = " ".join(p for p in (obj.spec, obj.batch and _("批次") + obj.batch) if p)
        return f"{obj.name} {extra}（{_('库存')} {obj.quantity}{obj.unit}）"


class StockForm(forms.Form):
    """One ledger entry. On a warehouse's page ``supply`` picks the line (of that
    warehouse only); on a supply's page the line is the page's."""

    supply = SupplyChoiceField(
        label=gettext_lazy("物资"),
        queryset=Supply.objects.none(),
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择物资"),
            "invalid_choice": _("请选择本储备库的物资"),
        },
    )

    def __init__(self, *args, warehouse=None, **kwargs):
        super().__init__(*args, **kwargs)
        if warehouse is None:
            del self.fields["supply"]
        else:
            self.fields["supply"].queryset = warehouse.supplies.filter(active=True)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("supply", None)
        return data


class ReceiveForm(StockForm):
    quantity = quantity_field(gettext_lazy("入库数量"))
    reason = text_field(
        gettext_lazy("说明"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("来源：采购、调拨、捐赠等"),
    )


ISSUE_KINDS = [
    (k.value, k.label) for k in (MovementKind.ISSUE, MovementKind.ROTATION, MovementKind.SCRAP)
]


class IssueForm(StockForm):
    kind = choice_field(gettext_lazy("出库类型"), ISSUE_KINDS, initial=MovementKind.ISSUE)
    quantity = quantity_field(gettext_lazy("出库数量"))
    reason = text_field(
        gettext_lazy("出库事由"), max_length=300, help_text=gettext_lazy("领用单位、用途或报废原因")
    )


class WarehouseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.get_storage_level_display()}）"


class TransferForm(StockForm):
    to_warehouse = WarehouseChoiceField(
        label=gettext_lazy("调入储备库"),
        queryset=Warehouse.objects.none(),
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择调入储备库"),
            "invalid_choice": _("请选择您管辖范围内的其他储备库"),
        },
    )
    quantity = quantity_field(gettext_lazy("调拨数量"))
    reason = text_field(gettext_lazy("说明"), max_length=300, required=False)

    def __init__(self, *args, user, source, **kwargs):
        super().__init__(*args, **kwargs)
        targets = Warehouse.objects.for_user(user).filter(active=True).exclude(pk=source.pk)
        self.fields["to_warehouse"].queryset = targets.order_by("name")

    def service_kwargs(self) -> dict:
        data = super().service_kwargs()
        data["to_warehouse_id"] = data.pop("to_warehouse").pk
        return data


class CountForm(StockForm):
    counted = whole_number(gettext_lazy("盘点实存数量"), max_value=QUANTITY_LIMIT)
    reason = text_field(
        gettext_lazy("盘点说明"),
        max_length=300,
        help_text=gettext_lazy("盘点日期、盘点人，差异原因"),
    )


STOCK_FORMS = {
    "receive": ReceiveForm,
    "issue": IssueForm,
    "transfer": TransferForm,
    "count": CountForm,
}
STOCK_TITLES = {
    "receive": gettext_lazy("入库"),
    "issue": gettext_lazy("出库（领用、轮换、报废）"),
    "transfer": gettext_lazy("调拨到其他储备库"),
    "count": gettext_lazy("盘点"),
}


# --- equipment, shelters, experts -----------------------------------------------------------


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class EquipmentForm(RegistryForm):
    FIELDS = ("name", "category", "spec", "quantity", "team", "warehouse", "status")

    name = text_field(gettext_lazy("装备名称"), max_length=120)
    category = text_field(
        gettext_lazy("装备类别"),
        max_length=60,
        help_text=gettext_lazy("如：排涝、破拆、照明、通信"),
    )
    spec = text_field(gettext_lazy("规格型号"), max_length=120, required=False)
    quantity = whole_number(gettext_lazy("数量"), min_value=1, max_value=QUANTITY_LIMIT, initial=1)
    team = TeamChoiceField(
        label=gettext_lazy("配属队伍"),
        queryset=RescueTeam.objects.none(),
        required=False,
        empty_label=_("无"),
        error_messages={"invalid_choice": _("请选择您管辖范围内的队伍")},
    )
    warehouse = WarehouseChoiceField(
        label=gettext_lazy("存放储备库"),
        queryset=Warehouse.objects.none(),
        required=False,
        empty_label=_("无"),
        error_messages={"invalid_choice": _("请选择您管辖范围内的储备库")},
    )
    status = choice_field(
        gettext_lazy("状态"), EquipmentStatus.choices, initial=EquipmentStatus.USABLE
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["team"].queryset = RescueTeam.objects.for_user(user).order_by("name")
        self.fields["warehouse"].queryset = Warehouse.objects.for_user(user).order_by("name")

    def values(self) -> dict:
        values = super().values()
        for name in ("team", "warehouse"):
            chosen = values.pop(name)
            values[f"{name}_id"] = chosen.pk if chosen else None
        return values


class ShelterForm(RegistryForm):
    FIELDS = (
        "name",
        "kind",
        "indoor",
        "area_m2",
        "capacity",
        "facilities",
        "status",
        "manager",
        "phone",
    )

    name = text_field(gettext_lazy("场所名称"), max_length=120)
    kind = choice_field(gettext_lazy("场所类型"), ShelterKind.choices)
    indoor = forms.BooleanField(label=gettext_lazy("室内场所"), required=False)
    area_m2 = whole_number(gettext_lazy("有效避难面积（㎡）"), min_value=1, max_value=100_000_000)
    capacity = whole_number(gettext_lazy("可容纳人数"), min_value=1, max_value=10_000_000)
    facilities = text_field(
        gettext_lazy("配套设施"),
        max_length=2000,
        required=False,
        rows=2,
        help_text=gettext_lazy("应急供水、供电、厕所、医疗、物资储备、标识等"),
    )
    status = choice_field(gettext_lazy("状态"), ShelterStatus.choices, initial=ShelterStatus.READY)
    manager = text_field(gettext_lazy("管理人"), max_length=60)
    phone = phone_field(gettext_lazy("联系电话"))

    def values(self) -> dict:
        return {**super().values(), "indoor": bool(self.cleaned_data.get("indoor"))}


class ShelterStatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = choice_field(gettext_lazy("状态"), ShelterStatus.choices)


class ExpertForm(RegistryForm):
    FIELDS = ("name", "field", "title", "employer", "phone", "available")

    name = text_field(gettext_lazy("姓名"), max_length=60)
    field = choice_field(gettext_lazy("专业领域"), ExpertField.choices)
    title = text_field(gettext_lazy("职称"), max_length=60, required=False)
    employer = text_field(gettext_lazy("工作单位"), max_length=120, required=False)
    phone = phone_field(gettext_lazy("联系电话"))
    available = forms.BooleanField(label=gettext_lazy("可参与处置"), required=False, initial=True)

    def values(self) -> dict:
        return {**super().values(), "available": bool(self.cleaned_data.get("available"))}
