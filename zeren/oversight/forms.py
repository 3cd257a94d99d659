"""Typed input of the oversight pages: forms parse and check shape; actions decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zeren.core.uploads import UploadRejected, read_upload
from zeren.oversight.models import (
    EvaluatorKind,
    PublicationCategory,
    Rating,
    ReferralOutcome,
    ReferralType,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files at once, each read within the upload size limit, as ``[(name, bytes)]``."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        uploads = []
        for upload in files:
            try:
                uploads.append(tuple(reversed(read_upload(upload))))
            except UploadRejected as exc:
                raise forms.ValidationError(str(exc)) from exc
        if self.required and not uploads:
            raise forms.ValidationError(self.error_messages["required"])
        return uploads


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PublicationForm(forms.Form):
    unit = forms.CharField(label=_("公开单位代码"), max_length=64)
    category = forms.ChoiceField(label=_("类别"), choices=PublicationCategory.choices)
    title = forms.CharField(label=_("标题"), max_length=300)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 8}))
    issued_on = forms.DateField(label=_("成文日期"), widget=DATE)
    attachments = AttachmentsField(label=_("附件（PDF、图片或 Excel）"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReferralForm(forms.Form):
    from_body = forms.IntegerField(label=_("移送机关"))
    to_body = forms.IntegerField(label=_("受理机关"))
    unit = forms.CharField(label=_("被移送单位代码"), max_length=64)
    type = forms.ChoiceField(label=_("问题类型"), choices=ReferralType.choices)
    title = forms.CharField(label=_("标题"), max_length=300)
    facts = forms.CharField(label=_("问题事实"), widget=forms.Textarea(attrs={"rows": 6}))
    referred_on = forms.DateField(label=_("移送日期"), widget=DATE)
    attachments = AttachmentsField(label=_("证据材料"), required=False)  # the action says why none is refused


class RegisterForm(forms.Form):
    registered_on = forms.DateField(label=_("登记日期"), widget=DATE)


class NoteForm(forms.Form):
    body = forms.CharField(label=_("内部办理记录"), widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(forms.Form):
    outcome = forms.ChoiceField(label=_("处理结果"), choices=ReferralOutcome.choices)
    summary = forms.CharField(label=_("向移送机关反馈的结果"), widget=forms.Textarea(attrs={"rows": 4}))
    reported_on = forms.DateField(label=_("反馈日期"), widget=DATE)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("会议名称"), max_length=200)
    held_on = forms.DateField(label=_("会议日期"), widget=DATE)
    members = forms.MultipleChoiceField(label=_("参会成员单位"), choices=[], required=False,
                                        widget=forms.CheckboxSelectMultiple)
    agenda = forms.CharField(label=_("议程"), widget=forms.Textarea(attrs={"rows": 14}))
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def __init__(self, *args, member_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = list(member_choices)


class TaskForm(forms.Form):
    decision = forms.CharField(label=_("议定事项"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.IntegerField(label=_("责任单位"))
    workdays = forms.IntegerField(label=_("办理时限（工作日）"), min_value=1, max_value=250, initial=15)


class TaskDoneForm(forms.Form):
    # shown in a table row without a <label>: the name is the field's label
    report = forms.CharField(label=_("办理情况"), widget=forms.Textarea(attrs={"rows": 2, "aria-label": _("办理情况")}))
    done_on = forms.DateField(label=_("办结日期"), widget=forms.DateInput(attrs={"type": "date", "aria-label": _("办结日期")},
                                                                        format="%Y-%m-%d"))


class InspectionForm(forms.Form):
    title = forms.CharField(label=_("检查名称"), max_length=200)
    lead = forms.IntegerField(label=_("牵头单位"))
    team = forms.MultipleChoiceField(label=_("检查组成员单位"), choices=[], widget=forms.CheckboxSelectMultiple)
    targets = forms.CharField(label=_("被检查单位代码（逗号分隔）"))
    plan = forms.CharField(label=_("检查方案"), widget=forms.Textarea(attrs={"rows": 5}))
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)

    def __init__(self, *args, team_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = list(team_choices)


class IssueForm(forms.Form):
    unit = forms.CharField(label=_("被检查单位代码"), max_length=64)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))
    found_on = forms.DateField(label=_("发现日期"), widget=DATE)
    workdays = forms.IntegerField(label=_("整改时限（工作日）"), min_value=1, max_value=250, initial=20)


class RectificationForm(forms.Form):
    report = forms.CharField(label=_("整改报告"), widget=forms.Textarea(attrs={"rows": 3}))
    reported_on = forms.DateField(label=_("报送日期"), widget=DATE)
    attachments = AttachmentsField(label=_("整改材料"), required=False)


class AcceptForm(forms.Form):
    accepted_on = forms.DateField(label=_("验收日期"), widget=DATE)


class CloseForm(forms.Form):
    conclusion = forms.CharField(label=_("检查结论"), widget=forms.Textarea(attrs={"rows": 3}))
    closed_on = forms.DateField(label=_("结束日期"), widget=DATE)


class ExternalEvaluationForm(forms.Form):
    unit = forms.CharField(label=_("被评议单位代码"), max_length=64)
    evaluator_kind = forms.ChoiceField(label=_("评议人类别"), choices=EvaluatorKind.choices)
    evaluator = forms.CharField(label=_("评议人"), max_length=100)
    visited_on = forms.DateField(label=_("视察日期"), widget=DATE)
    rating = forms.ChoiceField(label=_("评议结果"), choices=Rating.choices)
    comments = forms.CharField(label=_("意见建议"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
