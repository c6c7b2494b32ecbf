from django.apps import AppConfig


class ProspectiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gtec.prospective"
    verbose_name = "Prospective"
