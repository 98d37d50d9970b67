"""Seller pages of the performance app. Each is filled by its issue; until the data exists
they say so plainly instead of showing invented numbers."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from seller_portal.access import ShopAccess, shop_view


@shop_view
def penalties(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    return render(
        request,
        "portal/empty_page.html",
        {
            "active_nav": "penalties",
            "title": _("Penalti"),
            "explanation": _(
                "Riwayat penalti toko beserta pesanan, produk atau periode di baliknya."
            ),
        },
    )


@shop_view
def customer_service(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    return render(
        request,
        "portal/empty_page.html",
        {
            "active_nav": "cs",
            "title": _("Layanan Pelanggan"),
            "explanation": _(
                "Hasil evaluasi waktu balas chat pembeli (24 jam) setiap Senin, per minggu dan "
                "per percakapan."
            ),
        },
    )


@shop_view
def holiday_mode(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    return render(
        request,
        "portal/empty_page.html",
        {
            "active_nav": "holiday",
            "title": _("Mode Libur"),
            "explanation": _(
                "Selama Mode Hari Libur aktif, toko tampil tutup dan performa layanan "
                "pelanggan tidak dinilai."
            ),
        },
    )
