from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read only: audit records are never altered or deleted."""

    list_display = ["at", "actor_name", "action", "ledger", "object_key"]
    list_filter = ["action", "ledger"]
    search_fields = ["object_key", "actor_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
