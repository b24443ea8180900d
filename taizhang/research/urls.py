from django.urls import path

from . import views

urlpatterns = [
    path("research/", views.conflicts, name="research-conflicts"),
    path("research/overview/", views.overview, name="research-overview"),
    path("research/targets/<str:code>/", views.target, name="research-target"),
    path("research/leaders/", views.leader_calendar, name="research-leaders"),
    path("research/leaders/<str:code>/", views.leader_calendar, name="research-leader-calendar"),
    path("research/leaders/<str:code>/feed/", views.feed_issue, name="research-feed-issue"),
    path("research/calendar/<str:token>.ics", views.feed_ics, name="research-ics"),
]
