from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "zeren.supervision"
    label = "supervision"
    verbose_name = "Supervision 行政监督"
