from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zeren.audit"
    label = "audit"
    verbose_name = "Audit log 审计日志"
