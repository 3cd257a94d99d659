from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zeren.demo"
    label = "demo"
    verbose_name = "Demo city 演示城市"
