from django.urls import path

from . import views

urlpatterns = [
    path("visits/appeals/", views.appeals, name="visits-appeals"),
    path("visits/appeals/<str:code>/transfer/", views.appeal_transfer, name="visits-transfer"),
    path("visits/quota/", views.quota, name="visits-quota"),
    path("visits/quota/<str:code>/<str:month>/", views.leader_month, name="visits-leader-month"),
]
