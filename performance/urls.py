from django.urls import path

from performance import views

urlpatterns = [
    path("penalti/", views.penalties, name="penalties"),
    path("layanan-pelanggan/", views.customer_service, name="cs"),
    path("mode-libur/", views.holiday_mode, name="holiday"),
]
