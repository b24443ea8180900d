from django.contrib import admin

from .models import Category, Enterprise, Organization, Person, WorkGroup


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    search_fields = ["code", "name"]
    readonly_fields = ["path", "depth"]
    raw_id_fields = ["parent"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "org", "is_leader", "is_member"]
    search_fields = ["code", "name", "name_initials"]
    raw_id_fields = ["org", "liaison_orgs"]


admin.site.register([Category, WorkGroup, Enterprise])
