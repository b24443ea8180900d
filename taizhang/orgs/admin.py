"""Ledger rows are written through the ledger pages, API and imports (audited services);
in Django admin they are read only."""

from django.contrib import admin

from .models import Category, Enterprise, Organization, Person, WorkGroup


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "parent", "archived_at"]
    search_fields = ["code", "name"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "org", "is_leader", "is_member", "archived_at"]
    search_fields = ["code", "name", "name_initials"]


@admin.register(Category, WorkGroup, Enterprise)
class LedgerAdmin(ReadOnlyAdmin):
    pass
