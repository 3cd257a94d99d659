from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zeren.core"
    label = "core"
    verbose_name = "Core"
