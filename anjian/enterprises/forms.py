"""The enterprise form: one set of field rules for the edit page, the API and Excel import."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accounts.models import User, phone_validator
from anjian.accounts.passwords import policy_text
from anjian.enterprises import permissions as perms
from anjian.enterprises.models import Enterprise, EnterpriseUser
from anjian.enterprises.services import (
    ENTERPRISE_FIELDS,
    RELATION_FIELDS,
    SELF_MAINTAINED_FIELDS,
    duplicate_credit_code_message,
)
from anjian.enterprises.validators import normalize_credit_code, normalize_economic_code
from anjian.regions import selectors as region_selectors

# The regulator's form writes every field the service writes.
GOVERNMENT_FIELDS = list(ENTERPRISE_FIELDS)

# A credit code as people paste it ("9131 0110 …", "91310110-…") before clean_credit_code
# compacts it; the model's GB 32100 validator then checks the 18 characters.
CREDIT_CODE_INPUT_LENGTH = 32

# The edit page groups fields into these sections, in this order.
SECTIONS = [
    (gettext_lazy("基本信息"), ["name", "credit_code", "legal_representative", "status"]),
    (
        gettext_lazy("联系人"),
        ["principal_name", "principal_phone", "safety_manager_name", "safety_manager_phone"],
    ),
    (gettext_lazy("位置"), ["street", "grid", "address", "latitude", "longitude"]),
    (
        gettext_lazy("行业与规模"),
        [
            "industry",
            "economic_code",
            "employees",
            "scale",
            "department_overridden",
            "supervising_department",
        ],
    ),
    (
        gettext_lazy("监管信息"),
        ["supervision_grade", "standardisation_grade", "standardisation_expires", "insured_until"],
    ),
    (
        gettext_lazy("重点对象标识"),
        [
            "involves_hazchem",
            "dust_explosion",
            "ammonia_refrigeration",
            "confined_space",
            "fire_key_unit",
            "crowded_place",
        ],
    ),
]


class CodeChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that can resolve values from a prebuilt dict (bulk import)."""

    def __init__(self, *args, lookup: dict | None = None, **kwargs):
        self.lookup = lookup
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if self.lookup is None or value in self.empty_values:
            return super().to_python(value)
        try:
            return self.lookup[str(value)]
        except KeyError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class EnterpriseForm(forms.ModelForm):
    """Government users' form. ``user`` narrows the street, industry and department choices."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Enterprise
        fields = GOVERNMENT_FIELDS
        field_classes = {
            "street": CodeChoiceField,
            "grid": CodeChoiceField,
            "industry": CodeChoiceField,
            "supervising_department": CodeChoiceField,
        }
        widgets = {
            "standardisation_expires": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "insured_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "latitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001"}),
        }
        error_messages = {
            "street": {"invalid_choice": gettext_lazy("街镇不存在或不在您的管辖范围内")},
            "grid": {"invalid_choice": gettext_lazy("网格/社区不存在或不属于所选街镇")},
            "industry": {"invalid_choice": gettext_lazy("监管行业不存在或不在您的监管范围内")},
            "supervising_department": {
                "invalid_choice": gettext_lazy("监管部门不存在或不在您的管辖范围内")
            },
        }

    def __init__(self, *args, user, lookups: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        fields = self.fields
        # A relation with a lookup (bulk import: dicts built once per file from the same
        # selectors) resolves from it; building its per-row queryset would only cost time.
        lookups = lookups or {}
        if "street" not in lookups:
            fields["street"].queryset = region_selectors.streets_for(user)
        if "grid" not in lookups:
            fields["grid"].queryset = region_selectors.grids_for(user, self._street_code())
        if "industry" not in lookups:
            fields["industry"].queryset = region_selectors.unit_industries_for(user)
        if "supervising_department" not in lookups:
            fields["supervising_department"].queryset = region_selectors.departments_for(user)
        for name in ("street", "grid", "industry"):
            fields[name].to_field_name = "code"
        credit_code = fields["credit_code"]
        credit_code.max_length = CREDIT_CODE_INPUT_LENGTH
        credit_code.validators = [
            v for v in credit_code.validators if not isinstance(v, MaxLengthValidator)
        ]
        credit_code.widget.attrs["maxlength"] = str(CREDIT_CODE_INPUT_LENGTH)
        for name, lookup in lookups.items():
            fields[name].lookup = lookup
        if self.instance.pk and "version" in fields:
            fields["version"].initial = self.instance.version
        if self.instance.industry_id and not self.is_bound:
            # The industry options are keyed by code; the instance holds the pk, which
            # matches no option, so the edit page would show "请选择" and fail to save.
            self.initial["industry"] = self.instance.industry.code

    def _street_code(self) -> str | None:
        if self.is_bound:
            return self.data.get(self.add_prefix("street")) or None
        if self.instance.pk:
            return self.instance.street_id
        return self.initial.get("street")

    def clean_credit_code(self):
        return normalize_credit_code(self.cleaned_data["credit_code"])

    def clean_economic_code(self):
        return normalize_economic_code(self.cleaned_data["economic_code"])

    def validate_unique(self):
        """Name the enterprise that already holds the credit code, as the service does."""
        exclude = self._get_validation_exclusions() | {"credit_code"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)
        code = self.cleaned_data.get("credit_code")
        if code and "credit_code" not in self.errors:
            existing = (
                Enterprise.objects.select_related("street")
                .filter(credit_code=code)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if existing is not None:
                self.add_error("credit_code", duplicate_credit_code_message(existing))

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if latitude is not None and longitude is not None:
            bounds = region_selectors.deployment_bounds()
            if not bounds.contains(float(latitude), float(longitude)):
                self.add_error(
                    "latitude",
                    _("坐标（%(lat)s, %(lon)s）不在%(area)s范围内，请使用WGS-84经纬度")
                    % {"lat": latitude, "lon": longitude, "area": bounds.name},
                )
        if not cleaned.get("department_overridden"):
            cleaned["supervising_department"] = None
        return cleaned

    def service_data(self) -> dict:
        """Field values for the service (everything but the version)."""
        return {
            name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data
        }


class EnterpriseSelfForm(EnterpriseForm):
    """An enterprise user's form: only what the enterprise itself keeps up to date."""

    class Meta(EnterpriseForm.Meta):
        fields = list(SELF_MAINTAINED_FIELDS)

    def __init__(self, *args, user, lookups=None, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        return forms.ModelForm.clean(self)


class EnterpriseImportForm(EnterpriseForm):
    """One Excel row. Relations resolve from dicts and the credit-code duplicate check is
    done once for the whole file, so a 10,000-row file costs no query per row."""

    version = None

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() | set(RELATION_FIELDS)

    def validate_unique(self):
        return None


# Relations of an import row resolve from the lookups, which the region selectors already
# limit (streets; communities and grids). The Exists() filter that ``limit_choices_to``
# would add to each row's unused queryset cost more time than validating the row.
for _relation in RELATION_FIELDS:
    EnterpriseImportForm.base_fields[_relation].limit_choices_to = None


def form_class_for(user) -> type[EnterpriseForm]:
    return EnterpriseForm if user.can(perms.ENTERPRISE_CHANGE) else EnterpriseSelfForm


class EnterpriseAccountForm(forms.Form):
    """A login for the enterprise's own safety manager or principal."""

    username = forms.RegexField(
        label=gettext_lazy("用户名"),
        max_length=150,
        regex=r"^[A-Za-z0-9_.@+-]+$",
        error_messages={"invalid": gettext_lazy("用户名只能包含字母、数字和 _ . @ + -")},
    )
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=40)
    phone = forms.CharField(label=gettext_lazy("手机"), max_length=20, required=False)
    position = forms.ChoiceField(
        label=gettext_lazy("职务"), choices=EnterpriseUser.Position.choices
    )
    password1 = forms.CharField(
        label=gettext_lazy("初始密码"),
        widget=forms.PasswordInput,
        strip=False,
    )
    password2 = forms.CharField(
        label=gettext_lazy("确认密码"), widget=forms.PasswordInput, strip=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = _("%(policy)s；请线下告知本人并提醒其修改") % {
            "policy": policy_text()
        }

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("用户名“%(u)s”已被使用") % {"u": username})
        return username

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone:
            phone_validator(phone)
        return phone

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致"))
        elif first:
            try:
                validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
