from django.contrib import admin
from django.urls import path

from taizhang.accounts import views as accounts
from taizhang.core import pages
from taizhang.core import views as ledgers
from taizhang.core.api import api, mount_ledgers
from taizhang.orgs import views as orgs
from taizhang.stats import views as stats

mount_ledgers()

urlpatterns = [
    path("", pages.home, name="home"),
    path("dispatch/", pages.dispatch, name="dispatch"),
    path("system/", pages.system, name="system"),
    path("stats/", stats.stats_view, name="stats"),
    path("login/", accounts.login_view, name="login"),
    path("logout/", accounts.logout_view, name="logout"),
    path("password/", accounts.password_change_view, name="password-change"),
    path("orgs/pick/", orgs.org_picker, name="org-picker"),
    path("ledgers/", ledgers.ledger_index, name="ledger-index"),
    path("ledgers/<str:name>/", ledgers.ledger_list, name="ledger-list"),
    path("ledgers/<str:name>/new/", ledgers.ledger_edit, name="ledger-create"),
    path("ledgers/<str:name>/export.xlsx", ledgers.ledger_export_view, name="ledger-export"),
    path("ledgers/<str:name>/template.xlsx", ledgers.ledger_template_view, name="ledger-template"),
    path("ledgers/<str:name>/import/", ledgers.ledger_import_view, name="ledger-import"),
    path(
        "ledgers/<str:name>/import/commit/",
        ledgers.ledger_import_commit,
        name="ledger-import-commit",
    ),
    path("ledgers/<str:name>/<str:key>/", ledgers.ledger_detail, name="ledger-detail"),
    path("ledgers/<str:name>/<str:key>/edit/", ledgers.ledger_edit, name="ledger-edit"),
    path(
        "ledgers/<str:name>/<str:key>/archive/", ledgers.ledger_archive_view, name="ledger-archive"
    ),
    path("healthz", pages.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler403 = "taizhang.core.pages.forbidden"
handler404 = "taizhang.core.pages.not_found"
handler500 = "taizhang.core.pages.server_error"
