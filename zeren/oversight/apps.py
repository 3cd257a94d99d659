from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "zeren.oversight"
    label = "oversight"
    verbose_name = "Oversight 监督网络"
