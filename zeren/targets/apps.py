from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "zeren.targets"
    label = "targets"
    verbose_name = "Targets 目标管理"
