from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "gtec.surveys"
    verbose_name = "Enquêtes besoins"
