from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "zeren.findings"
    label = "findings"
    verbose_name = "Findings 问题线索"
