from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "zeren.access"
    label = "access"
    verbose_name = "Access 权限"
