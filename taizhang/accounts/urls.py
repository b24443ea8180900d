from django.urls import path

from . import views

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
]
