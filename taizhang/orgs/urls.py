from django.urls import path

from . import views

urlpatterns = [
    path("me/", views.me, name="me"),
    path("dispatch/", views.work_groups_board, name="work-groups-board"),
]
