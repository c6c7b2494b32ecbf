from django.contrib import admin

from gtec.imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["source", "version", "started_at", "finished_at", "synthetic"]
    list_filter = ["source", "synthetic"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request):
        return False
