from django.urls import path

from performance import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("skor/", views.score_detail, name="score_detail"),
    path("penalti/", views.penalties, name="penalties"),
    path("layanan-pelanggan/", views.customer_service, name="cs"),
    path("mode-libur/", views.holiday_mode, name="holiday"),
    path("pedoman-chat/", views.guidelines, name="guidelines"),
    path("pedoman-chat/cek/", views.guidelines_check, name="guidelines_check"),
]
