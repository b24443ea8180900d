"""Users and grants are managed here by system administrators; every change is audited.
Separation of duties holds here too: no account gets two of admin/security/auditor, and
no administrator grants itself the security or auditor role."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect

from taizhang.core.audit import audit_record
from taizhang.core.models import AuditEntry

from .models import EXCLUSIVE_ROLES, ApiToken, Grant, Role, User
from .services import (
    password_set_by_admin_recorded,
    token_revoke,
    tokens_revoke_all,
    two_factor_reset,
)

SELF_FORBIDDEN = {Role.SECURITY, Role.AUDITOR}


class GrantFormSet(BaseInlineFormSet):
    request_user = None

    def clean(self):
        super().clean()
        roles, own_new = set(), set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or not data.get("role"):
                continue
            roles.add(data["role"])
            if form.has_changed():
                own_new.add(data["role"])
        exclusive = roles & EXCLUSIVE_ROLES
        if len(exclusive) > 1:
            labels = "、".join(Role(r).label for r in sorted(exclusive))
            raise ValidationError(
                f"三员分立：同一账号不能同时担任系统管理员、安全管理员、安全审计员中的两个（{labels}）。"
            )
        me = self.request_user
        if me is not None and self.instance.pk == me.pk and own_new & SELF_FORBIDDEN:
            raise ValidationError("不能为自己授予安全管理员或安全审计员角色。")


class GrantInline(admin.TabularInline):
    model = Grant
    extra = 0
    autocomplete_fields = ["org"]
    formset = GrantFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request_user = request.user
        return formset


@admin.register(User)
class TaizhangUserAdmin(UserAdmin):
    inlines = [GrantInline]
    list_display = [
        "username",
        "display_name",
        "roles",
        "is_active",
        "must_change_password",
        "last_login",
    ]
    list_filter = ["is_active", "must_change_password", "grants__role"]
    search_fields = ["username", "display_name"]
    fieldsets = UserAdmin.fieldsets + (
        (
            "台账",
            {"fields": ("display_name", "person", "must_change_password", "password_changed_at")},
        ),
    )
    readonly_fields = ["password_changed_at", "last_login", "date_joined"]
    raw_id_fields = ["person"]
    actions = ["reset_two_factor"]

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the audit trail keeps pointing at the user

    @admin.display(description="授权")
    def roles(self, obj):
        return "；".join(obj.roles_display())

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
        if not change and obj.has_usable_password():
            # Set by an administrator: changed by its owner at first login.
            password_set_by_admin_recorded(actor=request.user, user=obj)
        if change and "is_active" in form.changed_data and not obj.is_active:
            tokens_revoke_all(actor=request.user, user=obj, reason="停用账号")

    def user_change_password(self, request, id, form_url=""):
        """An administrator's reset of someone's password is audited (never the password).
        Not for the security administrator's or the auditor's account: setting their
        password would let the system administrator act as them (三员分立)."""
        target = self.get_object(request, id)
        if (
            target is not None
            and target.pk != request.user.pk
            and target.grants.filter(role__in=SELF_FORBIDDEN).exists()
        ):
            self.message_user(
                request,
                "三员分立：安全管理员、安全审计员的密码不能由系统管理员在后台重置，"
                "请由运维人员在服务器上执行 taizhang password 用户名。",
                messages.ERROR,
            )
            return redirect("admin:accounts_user_change", target.pk)
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            password_set_by_admin_recorded(actor=request.user, user=self.get_object(request, id))
        return response

    def save_formset(self, request, form, formset, change):
        user = form.instance
        for grant in formset.save():
            _audit_grant(request.user, user, after={"role": grant.role, "org": grant.org.code})
        for grant in formset.deleted_objects:
            _audit_grant(request.user, user, before={"role": grant.role, "org": grant.org.code})

    @admin.action(description="重置两步验证（下次登录重新绑定）")
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            two_factor_reset(actor=request.user, user=user)
        self.message_user(
            request, f"已重置 {queryset.count()} 个用户的两步验证。", messages.SUCCESS
        )


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
    """Every user's tokens, for system administrators: listed and revoked, never shown."""

    list_display = [
        "user",
        "name",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "state",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name"]
    readonly_fields = ["user", "name", "created_at", "last_used_at", "expires_at", "revoked_at"]
    exclude = ["digest"]
    actions = ["revoke"]

    @admin.display(description="状态")
    def state(self, obj):
        return obj.status

    def has_add_permission(self, request):
        return False  # tokens are issued on the 接口令牌 page or by `taizhang token`, shown once

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="吊销所选令牌")
    def revoke(self, request, queryset):
        count = sum(
            token_revoke(actor=request.user, token=t, reason="系统管理员吊销")
            for t in queryset.select_related("user")
        )
        self.message_user(request, f"已吊销 {count} 个令牌。", messages.SUCCESS)
