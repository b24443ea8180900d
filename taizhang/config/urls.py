"""The site's URLs: the shell includes every installed app's (taizhang/shell/urls.py)."""

from django.urls import include, path

urlpatterns = [path("", include("taizhang.shell.urls"))]

handler403 = "taizhang.shell.views.forbidden"
handler404 = "taizhang.shell.views.not_found"
handler500 = "taizhang.shell.views.server_error"
