from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "zeren.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from zeren.core.admin import register_remaining_models

        register_remaining_models()
        post_migrate.connect(create_cache_table, sender=self)


def create_cache_table(*, using: str = "default", verbosity: int = 1, **kwargs) -> None:
    """``zeren migrate`` also makes the table of the database cache (rate-limit counters shared by all
    workers): without it the first anonymous request would fail. A no-op when it exists or with Redis."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=max(0, verbosity - 1))
