"""Test builders through the real actions."""

from __future__ import annotations

from zeren.accountability.actions import do_submit_complaint
from zeren.accountability.models import ComplaintCategory


def category(code: str = "delay", name: str = "办事拖延") -> ComplaintCategory:
    return ComplaintCategory.objects.get_or_create(code=code, defaults={"name": name, "group": "作风",
                                                                        "keywords": "拖延,推诿"})[0]


def complain(unit, *, token: str | None = None, channel: str = "web", name: str = "王小明",
             phone: str = "13800138000", **kw):
    return do_submit_complaint(actor=None, channel=channel, category=category(), unit=unit,
                               description=kw.pop("description", "窗口工作人员三次推诿，不予受理申请材料"),
                               complainant={"name": name, "phone": phone, "email": "wxm@example.cn"},
                               client_token=token, **kw)
