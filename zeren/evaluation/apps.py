from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "zeren.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation 绩效评估"
