"""Labels of the audit actions this app writes (zeren.audit.labels reads ``ACTIONS``)."""

from django.utils.translation import gettext_lazy as _

from zeren.duties.models import Area, Category, FunctionItem
from zeren.org.models import Level

ACTIONS = {
    "duties.analyse": _("分析权责清单"),
    "duties.approve_change": _("批准清单调整"),
    "duties.reject_change": _("驳回清单调整"),
    "duties.create_batch": _("新建调整批次"),
    "duties.create_draft_batch": _("新建调整批次草案"),
    "duties.import_items": _("导入权责清单"),
    "duties.remove_items": _("取消事项"),
    "duties.import_position_descriptions": _("导入岗位职责说明"),
    "duties.save_position_description": _("保存岗位职责说明"),
    "duties.propose_change": _("提出清单调整"),
    "duties.resolve_assign_lead": _("处理问题：指定牵头单位"),
    "duties.resolve_merge": _("处理问题：合并事项"),
    "duties.resolve_split": _("处理问题：拆分事项"),
    "duties.resolve_intended": _("处理问题：确认合理"),
    "duties.item.assign_lead": _("事项指定牵头单位"),
    "duties.item.merge": _("事项合并"),
    "duties.item.split": _("事项拆分"),
    "duties.item.intended": _("事项确认合理"),
    "duties.item.draft_add": _("按调整批次新增事项"),
    "duties.item.draft_amend": _("按调整批次修订事项"),
    "duties.item.draft_remove": _("按调整批次取消事项"),
}

# A draft change keeps the item it adds or amends as a record (``base``, ``content``): its keys are the
# catalogue item's fields, and the parts of a legal basis.
_ITEM = {f.name: f.verbose_name for f in FunctionItem._meta.fields}
FIELDS = {("duties.draftchange", name): label for name, label in {
    **_ITEM, "lead_units": _("牵头单位"), "assisting_units": _("协办单位"),
    "law": _("法律法规"), "article": _("条款"), "text": _("条文"),
}.items()}
VALUES = {("duties.draftchange", "category"): dict(Category.choices), ("duties.draftchange", "area"): dict(Area.choices),
          ("duties.draftchange", "level"): dict(Level.choices)}
