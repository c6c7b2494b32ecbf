"""Referentials are official data: visible in the admin, changed only by their import."""

from django.contrib import admin

from gtec.referentials import models as m


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.Fiche)
class FicheAdmin(ReadOnlyAdmin):
    list_display = [
        "code_rome",
        "libelle",
        "domaine",
        "code_rome_parent",
        "transition_eco",
        "transition_num",
        "actif",
    ]
    list_filter = ["actif", "transition_num", "emploi_cadre", "domaine__grand_domaine"]
    search_fields = ["code_rome", "libelle"]


@admin.register(m.Appellation)
class AppellationAdmin(ReadOnlyAdmin):
    list_display = ["code_ogr", "libelle", "fiche", "principale", "peu_usite", "actif"]
    list_filter = ["actif", "principale", "peu_usite"]
    search_fields = ["libelle", "code_ogr", "fiche__code_rome"]
    list_select_related = ["fiche"]


@admin.register(m.Competence)
class CompetenceAdmin(ReadOnlyAdmin):
    list_display = ["code_ogr", "libelle", "macro", "categorie", "sous_categorie", "code_macro_comp", "actif"]
    list_filter = ["macro", "categorie", "sous_categorie", "actif"]
    search_fields = ["libelle", "code_ogr"]


@admin.register(m.Savoir)
class SavoirAdmin(ReadOnlyAdmin):
    list_display = ["code_ogr", "libelle", "categorie", "sous_categorie", "actif"]
    list_filter = ["categorie", "actif"]
    search_fields = ["libelle", "code_ogr"]


@admin.register(m.ContexteTravail)
class ContexteAdmin(ReadOnlyAdmin):
    list_display = ["code_ogr", "libelle", "type_libelle"]
    list_filter = ["type_libelle"]


@admin.register(m.Fap)
class FapAdmin(ReadOnlyAdmin):
    list_display = ["code", "libelle", "nomenclature", "niveau", "parent_code"]
    list_filter = ["nomenclature", "niveau"]
    search_fields = ["code", "libelle"]


admin.site.register([m.GrandDomaine, m.DomaineProfessionnel, m.Classement], ReadOnlyAdmin)
