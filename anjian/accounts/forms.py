from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.regions import selectors as region_selectors
from anjian.regions.models import Region


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("用途"), max_length=80, help_text=gettext_lazy("如：区智慧城市平台对接")
    )
    days = forms.IntegerField(
        label=gettext_lazy("有效天数"), min_value=1, max_value=730, initial=365
    )


class UserForm(forms.ModelForm):
    """Government accounts. Enterprise accounts are created from their enterprise's page."""

    password1 = forms.CharField(
        label=gettext_lazy("密码"),
        widget=forms.PasswordInput,
        required=False,
        strip=False,
        help_text=gettext_lazy("至少10位，不能全为数字；编辑时留空表示不修改"),
    )
    password2 = forms.CharField(
        label=gettext_lazy("确认密码"), widget=forms.PasswordInput, required=False, strip=False
    )

    class Meta:
        model = User
        fields = ["username", "name", "phone", "role", "region", "department", "is_active"]

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r != Role.ENTERPRISE]
        scope = by.scope
        regions = Region.objects.active().filter(level__gte=2)
        if not scope.everything:
            regions = regions.filter(code__startswith=scope.region_prefix or "-")
        self.fields["region"].queryset = regions.order_by("code")
        self.fields["region"].label_from_instance = lambda r: f"{r.full_name}（{r.code}）"
        self.fields["department"].queryset = region_selectors.departments_for(by)
        self.fields["name"].required = True
        if self.instance.pk is None:
            self.fields["password1"].required = True
            self.fields["password2"].required = True

    def clean(self):
        cleaned = super().clean()
        if not self.by.scope.everything and not cleaned.get("region"):
            self.add_error(
                "region",
                _("请选择管辖区划：您只能创建本辖区内的用户（专家等全市用户由市级管理员创建）"),
            )
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first or second:
            if first != second:
                self.add_error("password2", _("两次输入的密码不一致"))
            else:
                try:
                    validate_password(first, self.instance)
                except forms.ValidationError as error:
                    self.add_error("password1", error)
        return cleaned
