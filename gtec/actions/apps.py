from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "gtec.actions"
    verbose_name = "Plan d'action et retours d'expérience"
