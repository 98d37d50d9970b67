from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from seller_portal.access import ShopAccess, shop_view


@shop_view
def tickets(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    return render(
        request,
        "portal/empty_page.html",
        {
            "active_nav": "tickets",
            "title": _("Tiket"),
            "explanation": _(
                "Tiket terhadap pembeli yang kasar atau mengganggu. Pesan yang terverifikasi "
                "dikecualikan dari evaluasi layanan pelanggan."
            ),
        },
    )


@shop_view
def appeals(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    return render(
        request,
        "portal/empty_page.html",
        {
            "active_nav": "appeals",
            "title": _("Banding"),
            "explanation": _("Banding atas penalti atau tindakan penegakan terhadap toko."),
        },
    )
