"""The engine's pages: every registered ledger's list, detail, forms and files, and the
org-tree picker; the JSON API of every ledger."""

from django.urls import path

from . import audit_views, views
from .api import mount_ledgers

urlpatterns = [
    path("orgs/pick/", views.org_picker, name="org-picker"),
    path("audit/", audit_views.audit_list, name="audit-list"),
    path("audit/export.xlsx", audit_views.audit_export, name="audit-export"),
    path("ledgers/", views.ledger_index, name="ledger-index"),
    path("ledgers/<str:name>/", views.ledger_list, name="ledger-list"),
    path("ledgers/<str:name>/new/", views.ledger_edit, name="ledger-create"),
    path("ledgers/<str:name>/print/", views.ledger_print, name="ledger-print"),
    path("ledgers/<str:name>/batch/", views.ledger_batch, name="ledger-batch"),
    path("ledgers/<str:name>/tree/", views.ledger_tree, name="ledger-tree"),
    path("ledgers/<str:name>/check/", views.ledger_check, name="ledger-check"),
    path("ledgers/<str:name>/pick/", views.ledger_pick, name="ledger-pick"),
    path("ledgers/<str:name>/export.xlsx", views.ledger_export_view, name="ledger-export"),
    path("ledgers/<str:name>/template.xlsx", views.ledger_template_view, name="ledger-template"),
    path("ledgers/<str:name>/import/", views.ledger_import_view, name="ledger-import"),
    path(
        "ledgers/<str:name>/import/commit/",
        views.ledger_import_commit,
        name="ledger-import-commit",
    ),
    path("ledgers/<str:name>/<str:key>/", views.ledger_detail, name="ledger-detail"),
    path("ledgers/<str:name>/<str:key>/edit/", views.ledger_edit, name="ledger-edit"),
    path("ledgers/<str:name>/<str:key>/archive/", views.ledger_archive_view, name="ledger-archive"),
    path("ledgers/<str:name>/<str:key>/files/<str:field>/", views.ledger_file, name="ledger-file"),
    path("api/v1/", mount_ledgers()),
]
