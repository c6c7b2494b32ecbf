"""Saved paths in the admin: counts and dates only, the token is never shown (it is the person's key)."""

from django.contrib import admin

from gtec.careers.models import SavedPath


@admin.register(SavedPath)
class SavedPathAdmin(admin.ModelAdmin):
    list_display = ["created_at", "n_skills", "commune", "max_km"]
    exclude = ["skills", "appellations"]
    readonly_fields = ["created_at", "commune", "max_km"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="compétences")
    def n_skills(self, obj: SavedPath) -> int:
        return len(obj.skills)
