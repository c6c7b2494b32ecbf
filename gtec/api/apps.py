from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "gtec.api"
    label = "api"
    verbose_name = "API et widgets"
