"""Labels of the audit actions this app writes (zeren.audit.labels reads ``ACTIONS`` and ``OBJECTS``)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "workcal.import_overrides": _("导入节假日安排"),
}
OBJECTS = {
    "workcal.calendar": _("工作日历"),
}
