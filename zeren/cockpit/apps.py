from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "zeren.cockpit"
    label = "cockpit"
    verbose_name = "Cockpit 领导驾驶舱"
