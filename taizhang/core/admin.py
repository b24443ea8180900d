"""The audit is not in Django admin: the system administrator does not read it
(三员分立); the security administrator and the auditor read it at /audit/."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown in admin, written only through the audited services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
