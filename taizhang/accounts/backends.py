"""Django admin rights follow the grants: a system administrator is whoever holds the
admin role over the root of the org tree now. Nothing is stored in is_staff or
is_superuser (always False), so no path — the admin's own user form, a removed grant,
an archived organization — can leave a right behind."""

from django.contrib import admin
from django.contrib.auth.backends import ModelBackend
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


class GrantBackend(ModelBackend):
    def has_perm(self, user_obj, perm, obj=None):
        # Separation of duties (三员分立): the system administrator manages users and
        # grants but does not read the audit (the security administrator and the
        # auditor do, on the audit page).
        if perm.rpartition(".")[2].endswith("_auditentry"):
            return False
        return bool(getattr(user_obj, "is_system_admin", False))

    def has_module_perms(self, user_obj, app_label):
        return bool(getattr(user_obj, "is_system_admin", False))


def admin_site_follows_grants() -> None:
    """Admin is entered by system administrators only, through the one login page (its
    lock-out, its audit): /admin/login/ sends there."""
    site = admin.site

    def has_permission(request):
        return request.user.is_active and getattr(request.user, "is_system_admin", False)

    def login(request, extra_context=None):
        target = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('login')}?{urlencode({'next': target})}")

    site.has_permission = has_permission
    site.login = login
    site.site_header = site.site_title = "台账后台管理"
    site.index_title = "用户与授权"
