from django.urls import path

from . import views, views_manage

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.two_factor_view, name="two-factor"),
    path("login/enrol/", views.two_factor_enrol_view, name="two-factor-enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password-change"),
    path("account/", views.account_view, name="account"),
    path(
        "account/recovery-codes/",
        views.recovery_codes_regenerate_view,
        name="recovery-codes-regenerate",
    ),
    path(
        "account/recovery-codes.txt",
        views.recovery_codes_download,
        name="recovery-codes-download",
    ),
    path("account/tokens/", views.tokens_view, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token-revoke"),
    path("account/security/", views.security_view, name="security"),
    path("account/security/unlock/", views.security_unlock_view, name="security-unlock"),
    path(
        "account/security/two-factor-reset/",
        views.security_two_factor_reset_view,
        name="security-two-factor-reset",
    ),
    path("users/", views_manage.users_view, name="users"),
    path("users/new/", views_manage.user_create_view, name="user-create"),
    path("users/import/", views_manage.users_import_view, name="users-import"),
    path("users/import/commit/", views_manage.users_import_commit_view, name="users-import-commit"),
    path(
        "users/import/template.xlsx",
        views_manage.users_import_template_view,
        name="users-import-template",
    ),
    path("users/password-file/", views_manage.password_file_view, name="password-file"),
    path("users/grants/", views_manage.grant_holders_view, name="grant-holders"),
    path("users/<int:pk>/", views_manage.user_detail_view, name="user-detail"),
    path("users/<int:pk>/disable/", views_manage.user_disable_view, name="user-disable"),
    path("users/<int:pk>/enable/", views_manage.user_enable_view, name="user-enable"),
    path("users/<int:pk>/unlock/", views_manage.user_unlock_view, name="user-unlock"),
    path(
        "users/<int:pk>/reset-password/",
        views_manage.user_password_reset_view,
        name="user-password-reset",
    ),
    path("users/<int:pk>/grants/add/", views_manage.grant_add_view, name="grant-add"),
    path(
        "users/<int:pk>/grants/<int:grant_id>/remove/",
        views_manage.grant_remove_view,
        name="grant-remove",
    ),
]
