"""Territories are editable: coordinators define project territories (scale `custom`) from communes.
Official territories are kept in step with the geography import."""

from django.contrib import admin

from gtec.territories.models import Membership, Territory


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "territory"
    raw_id_fields = ["commune"]
    extra = 1


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "scale", "population", "actif", "editable"]
    list_filter = ["scale", "actif", "editable"]
    search_fields = ["key", "name", "code"]
    raw_id_fields = ["parent"]
    exclude = ["geometry"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.editable:
            return ["key", "scale", "code", "population", "nature"]
        return ["population"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.editable = True
            if not obj.key:
                obj.key = f"{obj.scale}:{obj.code}"
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if obj.editable:
            obj.population = sum(obj.communes().values_list("population", flat=True))
            obj.save(update_fields=["population"])
