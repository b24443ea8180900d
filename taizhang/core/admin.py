from django.contrib import admin

from .models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown in admin, written only through the audited services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Audit records are never altered or deleted."""

    list_display = ["at", "actor_name", "action", "ledger", "object_key"]
    list_filter = ["action", "ledger"]
    search_fields = ["object_key", "actor_name"]
