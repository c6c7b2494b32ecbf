from django.apps import AppConfig


class CareersConfig(AppConfig):
    name = "gtec.careers"
    verbose_name = "Parcours professionnels"
