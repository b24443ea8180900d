"""Ledger rows are written through the ledger pages, API and imports (audited services);
in Django admin they are read only."""

from django.contrib import admin

from taizhang.core.admin import ReadOnlyAdmin

from .models import Category, Enterprise, Organization, Person, WorkGroup


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
