"""Forms of the hazard pages. They validate what a browser sends; services decide the rest."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.hazards.choices import (
    Category,
    EscalationTarget,
    Grade,
    ListingLevel,
    PhotoStage,
    RevisitResult,
    Source,
)
from anjian.hazards.models import SystemMeasure
from anjian.regions import selectors as region_selectors
from anjian.regions.models import Region


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos at once; a phone offers its camera (``capture``)."""

    widget = MultipleFileInput

    def __init__(self, *args, capture: bool = True, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        attrs = {"accept": "image/*", "multiple": True}
        if capture:
            attrs["capture"] = "environment"
        self.widget.attrs.update(attrs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReportForm(forms.Form):
    # What the hazard belongs to (the page shows which): a unit or a public place.
    enterprise = forms.IntegerField(widget=forms.HiddenInput, required=False)
    place = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A new key each time the form is shown, kept when it comes back with errors: the same
    # form posted twice records one hazard (``services.hazard_report``'s ``report_token``).
    report_token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices)
    title = forms.CharField(label=_("隐患名称"), max_length=120)
    description = forms.CharField(
        label=_("隐患描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    location = forms.CharField(label=_("隐患部位"), max_length=120)
    category = forms.ChoiceField(
        label=_("危险有害因素类别"), choices=Category.choices, required=False
    )
    found_at = forms.DateTimeField(
        label=_("发现时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_("空白为现在"),
    )
    photos = PhotosField(label=_("现场照片"))
    clauses = forms.TypedMultipleChoiceField(
        label=_("重大事故隐患判定依据"),
        required=False,
        coerce=int,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    fixed_on_spot = forms.BooleanField(
        label=_("即查即改（现场已整改，一并上传整改后照片）"), required=False
    )
    after_photos = PhotosField(label=_("整改后照片（即查即改）"))
    rectification_note = forms.CharField(
        label=_("现场整改情况（即查即改）"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, clause_choices=(), sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clauses"].choices = list(clause_choices)
        if sources is not None:
            self.fields["source"].choices = [c for c in Source.choices if c[0] in sources]


class RegisterForm(VersionedForm):
    grade = forms.ChoiceField(label=_("隐患等级"), choices=Grade.choices[1:])
    deadline = forms.DateField(label=_("整改期限"), widget=forms.DateInput(attrs={"type": "date"}))
    owner_name = forms.CharField(label=_("整改责任人"), max_length=40)
    owner_phone = forms.CharField(label=_("责任人电话"), max_length=20, required=False)
    measures = forms.CharField(
        label=_("整改措施"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    funds = forms.DecimalField(
        label=_("整改资金（万元）"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("重大隐患必填（五落实）"),
    )
    contingency_plan = forms.CharField(
        label=_("应急预案/处置措施"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("重大隐患必填（五落实）"),
    )
    interim_measures = forms.CharField(
        label=_("整改期间临时安全措施"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("重大隐患必填"),
    )

    def __init__(self, *args, hazard=None, **kwargs):
        super().__init__(*args, **kwargs)
        if hazard is not None and not self.is_bound:
            self.initial.setdefault("grade", hazard.grade or Grade.GENERAL)
            self.initial.setdefault("version", hazard.version)


class SubmitForm(VersionedForm):
    rectification_note = forms.CharField(
        label=_("整改情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label=_("整改后照片"))


class AcceptForm(VersionedForm):
    acceptance_note = forms.CharField(
        label=_("验收意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = PhotosField(label=_("验收照片（可选）"))


class ReasonForm(VersionedForm):
    reason = forms.CharField(
        label=_("原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class OnSpotForm(VersionedForm):
    rectification_note = forms.CharField(
        label=_("现场整改情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    before_photos = PhotosField(label=_("整改前照片"))
    after_photos = PhotosField(label=_("整改后照片"))


class PhotoForm(forms.Form):
    """Validates any stage; the service decides who may add which (403 otherwise)."""

    stage = forms.ChoiceField(label=_("环节"), choices=PhotoStage.choices)
    photos = PhotosField(label=_("照片"))

    def offer(self, stages) -> "PhotoForm":
        """Show only ``stages`` (what the user may add: ``lifecycle.photo_stages``)."""
        self.fields["stage"].choices = [c for c in PhotoStage.choices if c[0] in stages]
        return self


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("写入处理记录，不改变原登记内容"),
    )


class ExtensionRequestForm(forms.Form):
    requested_deadline = forms.DateField(
        label=_("申请延期至"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("延期理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审批结果"),
        choices=[("1", _("批准")), ("0", _("不批准"))],
        coerce=lambda v: v == "1",
    )
    decision_reason = forms.CharField(
        label=_("审批意见"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ListingForm(forms.Form):
    level = forms.ChoiceField(label=_("督办级别"), choices=ListingLevel.choices)
    authority = forms.CharField(label=_("督办单位"), max_length=80)
    document_number = forms.CharField(label=_("督办文号"), max_length=60)
    deadline = forms.DateField(label=_("督办期限"), widget=forms.DateInput(attrs={"type": "date"}))
    requirements = forms.CharField(
        label=_("督办要求"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [c for c in ListingLevel.choices if c[0] in levels]


class SignOffForm(forms.Form):
    sign_off_note = forms.CharField(
        label=_("摘牌意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RevisitForm(forms.Form):
    result = forms.ChoiceField(label=_("结论"), choices=RevisitResult.choices[1:])
    note = forms.CharField(
        label=_("回头看情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


def default_found_at():
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class SystemMeasureForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SystemMeasure
        fields = [
            "region",
            "industry",
            "problem",
            "measure",
            "lead_unit",
            "partner_units",
            "deadline",
            "state",
            "progress",
        ]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 3}),
            "measure": forms.Textarea(attrs={"rows": 3}),
            "progress": forms.Textarea(attrs={"rows": 2}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)

        scope = user.scope
        regions = (
            Region.objects.all()
            if scope.everything
            else Region.objects.filter(code__startswith=scope.region_prefix or "-")
        )
        self.fields["region"].queryset = regions.filter(level__lte=4).order_by("code")
        self.fields["industry"].queryset = region_selectors.industries_for(user)
        self.fields["industry"].to_field_name = "code"
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class EscalationRuleForm(forms.Form):
    region = forms.ChoiceField(label=_("适用区划"), required=False)
    grade = forms.ChoiceField(
        label=_("适用等级"),
        required=False,
        choices=[("", _("全部等级")), *Grade.choices[1:]],
    )
    target = forms.ChoiceField(label=_("督促对象"))
    days_overdue = forms.IntegerField(label=_("逾期天数"), min_value=0, max_value=365)

    def __init__(self, *args, regions=(), city_wide: bool = False, **kwargs):

        super().__init__(*args, **kwargs)
        choices = [("", _("全市默认"))] if city_wide else []
        self.fields["region"].choices = choices + [(r.code, r.name) for r in regions]
        self.fields["target"].choices = EscalationTarget.choices


class EscalateForm(forms.Form):
    target = forms.ChoiceField(label=_("督促对象"))
    note = forms.CharField(
        label=_("督促要求"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["target"].choices = EscalationTarget.choices


class DetailsForm(VersionedForm):
    """Correcting what was recorded while the hazard is open (typos, a clearer place)."""

    title = forms.CharField(label=_("隐患名称"), max_length=120)
    description = forms.CharField(
        label=_("隐患描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    location = forms.CharField(label=_("隐患部位"), max_length=120)
    category = forms.ChoiceField(
        label=_("危险有害因素类别"), choices=Category.choices, required=False
    )

    def __init__(self, *args, hazard=None, **kwargs):
        super().__init__(*args, **kwargs)
        if hazard is not None and not self.is_bound:
            self.initial.update(
                version=hazard.version,
                title=hazard.title,
                description=hazard.description,
                location=hazard.location,
                category=hazard.category,
            )
