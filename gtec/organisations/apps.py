from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "gtec.organisations"
    verbose_name = "Organisations"
