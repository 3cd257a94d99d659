from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "zeren.accountability"
    label = "accountability"
    verbose_name = "Accountability 行政问责"
