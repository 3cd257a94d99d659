"""Labels of the audit actions this app writes (zeren.audit.labels reads ``ACTIONS``)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "cockpit.urge": _("催办"),
    "cockpit.escalate": _("提级督办"),
}
