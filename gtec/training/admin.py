from django.contrib import admin

from gtec.training import models as m


class SessionInline(admin.TabularInline):
    model = m.Session
    extra = 0


@admin.register(m.Formation)
class FormationAdmin(admin.ModelAdmin):
    list_display = ["intitule", "organisme", "flux", "numero", "certifiante", "synthetic"]
    list_filter = ["flux", "certifiante", "synthetic"]
    search_fields = ["intitule", "numero", "organisme__nom"]
    raw_id_fields = ["organisme"]


@admin.register(m.Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["formation", "numero", "ville", "modalites_enseignement", "alternance"]
    list_filter = ["modalites_enseignement", "alternance"]
    search_fields = ["formation__intitule", "numero", "ville"]
    raw_id_fields = ["formation"]
    inlines = [SessionInline]


@admin.register(m.Organisme)
class OrganismeAdmin(admin.ModelAdmin):
    list_display = ["nom", "siret", "ville"]
    search_fields = ["nom", "siret"]


@admin.register(m.Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ["code", "intitule", "niveau", "actif"]
    list_filter = ["niveau", "actif"]
    search_fields = ["code", "intitule"]
