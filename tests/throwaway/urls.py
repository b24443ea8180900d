from django.urls import path

from . import views

urlpatterns = [path("notes-board/", views.notes_board, name="notes-board")]
