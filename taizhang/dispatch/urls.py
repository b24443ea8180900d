from django.urls import path

from . import views

urlpatterns = [
    path("dispatch/", views.board, name="dispatch-board"),
    path("dispatch/daily/", views.daily, name="dispatch-daily"),
    path("dispatch/weekly/", views.weekly, name="dispatch-weekly"),
    path("dispatch/weekly/agenda.docx", views.weekly_docx, name="dispatch-weekly-docx"),
    path("dispatch/tasks/<str:code>/report/", views.task_report, name="dispatch-task-report"),
    path("dispatch/meetings/<str:code>/decide/", views.meeting_decide, name="dispatch-decide"),
    path("dispatch/series/", views.series_list, name="dispatch-series"),
    path("dispatch/series/<str:code>/", views.series_detail, name="dispatch-series-detail"),
    path("dispatch/prompts/<str:code>/", views.prompt_detail, name="dispatch-prompt"),
    path("dispatch/prompts/<str:code>/print/", views.prompt_print, name="dispatch-prompt-print"),
    path("dispatch/receipts/<int:pk>/sign/", views.receipt_sign, name="dispatch-sign"),
    path("dispatch/inbox/", views.inbox, name="dispatch-inbox"),
    path("dispatch/notices/<str:code>/", views.notice_detail, name="dispatch-notice"),
    path("dispatch/calendar/", views.calendar, name="dispatch-calendar"),
    path("dispatch/calendar/feed/", views.calendar_feed, name="dispatch-calendar-feed"),
    path("dispatch/calendar/<str:token>.ics", views.calendar_ics, name="dispatch-ics"),
]
