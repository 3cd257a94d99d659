from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zeren.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from zeren.core.admin import register_remaining_models

        register_remaining_models()
