from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "zeren.accountability"
    label = "accountability"
    verbose_name = "Accountability 行政问责"

    def ready(self) -> None:
        # Registers the complainant's fields as protected (zeren.access.fields) for every route.
        from zeren.accountability import selectors  # noqa: F401
