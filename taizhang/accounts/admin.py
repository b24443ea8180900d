from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, Grant, User


class GrantInline(admin.TabularInline):
    model = Grant
    extra = 0
    autocomplete_fields = ["org"]


@admin.register(User)
class TaizhangUserAdmin(UserAdmin):
    inlines = [GrantInline]
    list_display = ["username", "display_name", "is_active", "locked_until"]
    fieldsets = UserAdmin.fieldsets + (
        ("台账", {"fields": ("display_name", "person", "locked_until")}),
    )
    raw_id_fields = ["person"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "last_used_at"]
    readonly_fields = ["user", "digest", "created_at", "last_used_at"]
