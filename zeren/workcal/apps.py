from django.apps import AppConfig


class WorkcalConfig(AppConfig):
    name = "zeren.workcal"
    label = "workcal"
    verbose_name = "Working-day calendar 工作日历"
