from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "zeren.duties"
    label = "duties"
    verbose_name = "Duties 职责设定"
