from django.urls import path

from . import views

urlpatterns = [
    path("study/", views.reach, name="study-reach"),
    path("study/reach.xlsx", views.reach_export, name="study-reach-export"),
    path("study/home-delivery/", views.home_delivery, name="study-home-delivery"),
    path("study/return-training/", views.return_training, name="study-return-training"),
    path("study/categories/", views.categories, name="study-categories"),
    path("study/similar/", views.similar, name="study-similar"),
    path("study/similar/<str:first>/<str:second>/", views.similar_pair, name="study-similar-pair"),
    path("study/sessions/<str:code>/attendance/", views.attendance, name="study-attendance"),
    path("study/sessions/<str:code>/code/", views.sign_code, name="study-sign-code"),
    path("study/sign/<str:token>/", views.sign, name="study-sign"),
]
