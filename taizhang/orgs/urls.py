from django.urls import path

from . import views

# The 调度 entry of the navigation is the dispatch app's battle map (/dispatch/); the
# work groups with their leaders and members stay one tab of it.
urlpatterns = [
    path("me/", views.me, name="me"),
    path("dispatch/groups/", views.work_groups_board, name="work-groups-board"),
]
