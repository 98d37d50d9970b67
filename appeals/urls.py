from django.urls import path

from appeals import views

urlpatterns = [
    path("tiket/", views.tickets, name="tickets"),
    path("tiket/baru/", views.ticket_new, name="ticket_new"),
    path("tiket/<int:pk>/", views.ticket, name="ticket"),
    path("banding/", views.appeals, name="appeals"),
    path("banding/<int:pk>/", views.appeal, name="appeal"),
    path("banding/baru/penalti/<int:penalty_id>/", views.appeal_new_penalty, name="appeal_penalty"),
    path("banding/baru/penegakan/<int:record_id>/", views.appeal_new_record, name="appeal_record"),
]
