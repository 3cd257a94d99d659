"""Typed input of the accountability pages (public complaint form, staff entry, case steps)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zeren.accountability.models import Channel, ComplaintCategory, FaultType, SubjectKind
from zeren.accountability.rules import AGGRAVATING, MITIGATING
from zeren.org.picker import find_unit


class UnitCodeField(forms.CharField):
    """A unit chosen in the searchable picker (``名称 · CODE``), or typed: a code, or a name or part of one
    that names exactly one unit (:func:`zeren.org.picker.find_unit`); several matches are listed back."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        unit, candidates, more = find_unit(value)
        if unit is not None:
            return unit
        if candidates:
            names = "、".join(u.display_name for u in candidates[:5]) + ("……" if more or len(candidates) > 5 else "")
            raise forms.ValidationError(_("有多个单位与“%(text)s”相符：%(names)s，请从列表中选择"),
                                        params={"text": value, "names": names})
        raise forms.ValidationError(_("未找到该单位，请从列表中选择"))


class ComplaintForm(forms.Form):
    """The public complaint form (网上投诉): everything validated, nothing required about the person."""

    client_token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    category = forms.ModelChoiceField(queryset=ComplaintCategory.objects.filter(active=True), label=_("投诉类别"),
                                      empty_label=_("请选择"))
    unit = UnitCodeField(label=_("被投诉单位"), max_length=260,
                         widget=forms.TextInput(attrs={"list": "unit-options", "autocomplete": "off",
                                                       "data-units": "1"}))
    description = forms.CharField(label=_("投诉内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    address = forms.CharField(label=_("事发地点"), max_length=300, required=False)
    name = forms.CharField(label=_("姓名（可匿名）"), max_length=100, required=False)
    phone = forms.RegexField(label=_("联系电话"), regex=r"^[0-9+\- ]{5,20}$", required=False,
                             error_messages={"invalid": _("请输入有效的电话号码")})
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    attachment = forms.FileField(label=_("附件（PDF、PNG 或 JPEG）"), required=False)


class StaffComplaintForm(ComplaintForm):
    """A complaint taken by phone, letter or visit (电话、来信、来访登记) by supervision staff."""

    channel = forms.ChoiceField(label=_("渠道"), choices=[(c, label) for c, label in Channel.choices
                                                         if c in (Channel.HOTLINE, Channel.LETTER, Channel.VISIT)])
    contact_address = forms.CharField(label=_("联系地址"), max_length=300, required=False)


class CaseForm(forms.Form):
    subject_kind = forms.ChoiceField(label=_("问责对象类别"), choices=SubjectKind.choices)
    unit = UnitCodeField(label=_("责任单位"), max_length=260,
                         widget=forms.TextInput(attrs={"list": "unit-options", "autocomplete": "off",
                                                       "data-units": "1"}))
    person = forms.CharField(label=_("责任人编号"), max_length=64, required=False)
    fault_type = forms.ChoiceField(label=_("过错类型"), choices=FaultType.choices)
    summary = forms.CharField(label=_("案情"), widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    sanction = forms.CharField(label=_("问责方式"))
    aggravating = forms.MultipleChoiceField(label=_("从重情节"), choices=list(AGGRAVATING.items()), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    mitigating = forms.MultipleChoiceField(label=_("从轻减轻情节"), choices=list(MITIGATING.items()), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    decision = forms.CharField(label=_("决定理由"), widget=forms.Textarea(attrs={"rows": 3}))
