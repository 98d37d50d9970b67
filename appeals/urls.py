from django.urls import path

from appeals import views

urlpatterns = [
    path("tiket/", views.tickets, name="tickets"),
    path("banding/", views.appeals, name="appeals"),
]
