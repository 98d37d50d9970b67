"""Seller pages of the performance app: dashboard, penalty history, how the score was computed."""

from datetime import date

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from performance import charts, selectors
from performance.forms import PenaltyFilterForm
from performance.models import PenaltyRule
from performance.presentation import component_lines, penalty_detail, penalty_source
from seller_portal import clock
from seller_portal.access import ShopAccess, shop_view
from seller_portal.selectors import shop_last_event_at


@shop_view
def dashboard(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    today = clock.today()
    data = selectors.shop_dashboard(shop=access.shop, today=today)
    threshold = data.latest.threshold if data.latest else None
    return render(
        request,
        "performance/dashboard.html",
        {
            "active_nav": "dashboard",
            "data": data,
            "threshold": threshold,
            "trend_figure": charts.score_trend(data.trend, threshold) if data.trend else None,
            "active_penalties": [
                (row, penalty_source(row.penalty)) for row in data.active_penalties
            ],
            "pending_penalties": [
                (row, penalty_source(row.penalty)) for row in data.pending_penalties
            ],
            "last_event_at": shop_last_event_at(shop=access.shop),
        },
    )


@shop_view
def penalties(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    today = clock.today()
    form = PenaltyFilterForm(request.GET or None)
    queryset = selectors.penalty_history(shop=access.shop, filters=form.filters(), today=today)
    page = Paginator(queryset, selectors.PENALTIES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        (row, penalty_source(row.penalty), penalty_detail(row.penalty))
        for row in selectors.penalty_rows(page.object_list, today)
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "performance/penalties.html",
        {
            "active_nav": "penalties",
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
        },
    )


@shop_view
def score_detail(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    today = clock.today()
    try:
        wanted = date.fromisoformat(request.GET["minggu"]) if "minggu" in request.GET else None
    except ValueError:
        wanted = None
    snapshot, dates = selectors.shop_snapshot(shop=access.shop, refreshed_on=wanted, today=today)
    context = {"active_nav": "dashboard", "snapshot": snapshot, "dates": dates, "wanted": wanted}
    if snapshot is not None:
        params = snapshot.rule_set.params
        context |= {
            "lines": component_lines(snapshot.components, snapshot.scale, params),
            "deducted_total": sum(p["points"] for p in snapshot.deducted),
            "cap": params.deduction_cap,
            "lifetime": params.penalty_lifetime_days,
            "window_days": params.score_window_days,
            "missing": [c for c in snapshot.components if c["points"] is None],
            "deducted_rows": [
                {
                    "label": PenaltyRule(p["rule"]).label,
                    "issued_on": date.fromisoformat(p["issued_on"]),
                    "source": p["source"],
                    "points": p["points"],
                }
                for p in snapshot.deducted
            ],
        }
    return render(request, "performance/score_detail.html", context)


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
