from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zeren.supervision.projects"
    label = "projects"
    verbose_name = "Major investment projects 重大投资项目"
