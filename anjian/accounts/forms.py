from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accounts.models import User
from anjian.accounts.passwords import policy_text
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
            self.fields["password1"].help_text = policy_text()
        else:
            self.fields["password1"].help_text = _(
                "%(policy)s；留空表示不修改。设置新密码会吊销该用户的全部 API 令牌"
            ) % {"policy": policy_text()}

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


class OwnPasswordForm(PasswordChangeForm):
    """A user changing their own password: the old one, the new one twice, and whether
    their API tokens outlive the change (by default they are revoked)."""

    keep_tokens = forms.BooleanField(
        label=gettext_lazy("保留我的 API 令牌"),
        required=False,
        help_text=gettext_lazy(
            "不勾选时，修改密码会吊销您的全部 API 令牌，使用它们的对接系统需换用新令牌。"
            "若怀疑密码或令牌已泄露，请不要勾选。"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = policy_text()


class PasswordResetForm(forms.Form):
    """重置密码: a temporary password the administrator types, or one the platform generates.
    The validators run in the service (``services.user_password_reset``)."""

    GENERATE, SET = "generate", "set"

    mode = forms.ChoiceField(
        label=gettext_lazy("临时密码"),
        choices=[
            (GENERATE, gettext_lazy("由系统生成（仅显示一次）")),
            (SET, gettext_lazy("由我设置")),
        ],
        initial=GENERATE,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    password1 = forms.CharField(
        label=gettext_lazy("新密码"), widget=forms.PasswordInput, required=False, strip=False
    )
    password2 = forms.CharField(
        label=gettext_lazy("确认新密码"), widget=forms.PasswordInput, required=False, strip=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = _("选择“由我设置”时填写。%(policy)s") % {
            "policy": policy_text()
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") != self.SET:
            cleaned["password1"] = cleaned["password2"] = ""
            return cleaned
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if not first:
            self.add_error("password1", _("请填写新密码，或选择由系统生成"))
        elif first != second:
            self.add_error("password2", _("两次输入的密码不一致"))
        return cleaned
