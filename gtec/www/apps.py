from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "gtec.www"
    verbose_name = "Site web"
