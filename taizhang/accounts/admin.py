"""Users and grants are managed here by system administrators; every change is audited."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from taizhang.core.audit import audit_record
from taizhang.core.models import AuditEntry

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

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the audit trail keeps pointing at the user

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = {
            name: str(form.cleaned_data.get(name))
            for name in form.changed_data
            if "password" not in name  # password, password1, password2: never recorded
        }
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE,
            ledger="users",
            key=obj.username,
            after=changed,
        )

    def user_change_password(self, request, id, form_url=""):
        """An administrator's reset of someone's password is audited (never the password)."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            audit_record(
                actor=request.user,
                action=AuditEntry.Action.UPDATE,
                ledger="users",
                key=user.username,
                after={"事项": "管理员重置密码"},
            )
        return response

    def save_formset(self, request, form, formset, change):
        user = form.instance
        for grant in formset.save():
            _audit_grant(request.user, user, after={"role": grant.role, "org": grant.org.code})
        for grant in formset.deleted_objects:
            _audit_grant(request.user, user, before={"role": grant.role, "org": grant.org.code})


def _audit_grant(actor, user, *, before=None, after=None):
    audit_record(
        actor=actor,
        action=AuditEntry.Action.GRANT,
        ledger="users",
        key=user.username,
        before=before,
        after=after,
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "last_used_at"]
    readonly_fields = ["user", "digest", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # tokens are issued by `taizhang token`, shown once
