"""Labels of the audit actions this app writes (zeren.audit.labels reads ``ACTIONS`` and ``OBJECTS``)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "org.create_unit": _("新建单位"),
    "org.update_unit": _("修改单位"),
    "org.close_unit": _("撤销单位"),
    "org.create_post": _("新建职位"),
    "org.create_person": _("新建人员"),
    "org.start_membership": _("任职"),
    "org.end_membership": _("免职"),
    "org.import_registry": _("导入组织机构名册"),
}
OBJECTS = {
    "org.registry": _("组织机构名册"),
}
