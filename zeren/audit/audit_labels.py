"""Labels of the audit actions this app writes (zeren.audit.labels reads ``ACTIONS`` and ``OBJECTS``)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "system.restore": _("从备份恢复数据库"),
}
OBJECTS = {
    "system.database": _("数据库"),
}
