from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from appeals import views as appeals_views
from performance import api
from seller_portal import views
from seller_portal.forms import LoginForm

shop_patterns = (
    [
        path("", include("performance.urls")),
        path("", include("appeals.urls")),
        path("anggota/", views.members, name="members"),
    ],
    "portal",
)

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("toko/<slug:shop_code>/", include(shop_patterns)),
    path("bukti/<int:pk>/", appeals_views.evidence, name="evidence"),
    path("pemberitahuan/", appeals_views.notices, name="notices"),
    path("dukungan/tiket/", appeals_views.support_ticket, name="support_ticket"),
    path("api/v1/events", api.events_post, name="api-events"),
    path("api/v1/openapi.json", api.openapi_json, name="api-openapi"),
    path("healthz", views.health, name="health"),
    path("ping", views.ping, name="ping"),
    path("admin/", admin.site.urls),
]

handler400 = "seller_portal.views.bad_request"
handler500 = "seller_portal.views.server_error"
