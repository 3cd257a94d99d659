from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "zeren.org"
    label = "org"
    verbose_name = "Organisation 组织机构"
