"""The site: the shell's pages, the engine's, then every installed app's urls.py."""

from django.contrib import admin
from django.urls import include, path

from . import discovery, views

urlpatterns = [
    path("", views.home, name="home"),
    path("system/", views.system, name="system"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    *(path("", include(module)) for module in discovery.url_modules()),
]
