"""Seller pages of the performance app: dashboard, penalty history, how the score was
computed, customer service week by week, holiday mode."""

import hashlib
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from performance import charts, selectors
from performance.forms import (
    CsWeekForm,
    HolidayCancelForm,
    HolidayModeForm,
    PenaltyFilterForm,
    RefreshDateForm,
)
from performance.models import PenaltyRule
from performance.presentation import (
    component_lines,
    cs_turn_row,
    guideline_results,
    penalty_detail,
    penalty_source,
)
from performance.rules.calendar import last_monday
from performance.services.cs_evaluation import cs_week_turns
from performance.services.holiday_mode import (
    HolidayModeError,
    holiday_mode_cancel,
    holiday_mode_switch_off,
    holiday_mode_switch_on,
)
from performance.services.rule_sets import RuleSets
from seller_portal import clock
from seller_portal.access import ShopAccess, shop_view


@shop_view
def dashboard(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    today = clock.today()
    shop = access.shop
    data = selectors.shop_dashboard(shop=shop, today=today)
    threshold = data.latest.threshold if data.latest else None
    last_event_at = selectors.shop_last_event_at(shop=shop)
    # The page body is cached under a key made of everything it shows, so a new score, a
    # changed or voided penalty, a new event or a new day renders it afresh; the figure and
    # the penalty sources are only built when it does (the template calls these lazily).
    rows = data.active_penalties + data.pending_penalties
    content_key = hashlib.sha1(
        repr(
            (
                (shop.pk, shop.code, shop.name, shop.tier, threshold, today, last_event_at),
                translation.get_language(),
                [(s.pk, s.created_at) for s in data.trend],
                [(r.penalty.pk, r.penalty.updated_at, r.status) for r in rows],
            )
        ).encode()
    ).hexdigest()
    return render(
        request,
        "performance/dashboard.html",
        {
            "active_nav": "dashboard",
            "data": data,
            "threshold": threshold,
            "content_key": content_key,
            "trend_figure": lambda: charts.score_trend(data.trend, threshold),
            "active_penalties": lambda: [
                (row, penalty_source(row.penalty)) for row in data.active_penalties
            ],
            "pending_penalties": lambda: [
                (row, penalty_source(row.penalty)) for row in data.pending_penalties
            ],
            "last_event_at": last_event_at,
        },
    )


@shop_view
def penalties(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    today = clock.today()
    form = PenaltyFilterForm(request.GET or None)
    queryset = selectors.penalty_history(shop=access.shop, filters=form.filters(), today=today)
    queryset = queryset.prefetch_related("appeals")
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
            "can_appeal": access.is_owner,
        },
    )


@shop_view
def score_detail(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    today = clock.today()
    form = RefreshDateForm(request.GET)
    asked = bool(request.GET.get("minggu"))
    wanted = form.cleaned_data["minggu"] if form.is_valid() else None
    snapshot, dates = selectors.shop_snapshot(
        shop=access.shop, refreshed_on=wanted, today=today, latest=not asked
    )
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
    # A date that is no refresh of this shop (or no date): "no refresh on that date", 404.
    status = 404 if asked and snapshot is None else 200
    return render(request, "performance/score_detail.html", context, status=status)


@shop_view
def customer_service(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    today = clock.today()
    weeks = selectors.cs_weeks_recent(shop=access.shop, today=today)
    this_week = last_monday(today)
    rule_sets = RuleSets()  # one query, for the week's range and its evaluation
    shown = selectors.cs_week_range(shop=access.shop, rule_sets=rule_sets)
    form = CsWeekForm(request.GET, first_week=shown.first_week, this_week=this_week)
    chosen = form.cleaned_data["minggu"] if form.is_valid() else None
    if chosen is None:
        chosen = weeks[-1].week_start if weeks else this_week
    if not shown.has_rules(chosen):
        raise Http404(_("Belum ada set aturan untuk menilai layanan pelanggan."))
    turns, exclusions, params = cs_week_turns(
        shop=access.shop, week_start=chosen, rule_sets=rule_sets
    )
    stored = next((w for w in weeks if w.week_start == chosen), None)
    tickets = selectors.ticket_by_excluded_message(shop=access.shop)
    return render(
        request,
        "performance/customer_service.html",
        {
            "active_nav": "cs",
            "weeks": weeks[::-1],
            "chart": charts.cs_weeks(weeks, params.cs_pass_percent) if weeks else None,
            "chosen": chosen,
            "chosen_end": chosen + timedelta(days=6),
            "stored": stored,
            "in_progress": chosen == this_week,
            "days": selectors.week_days(exclusions, chosen),
            "turns": [
                cs_turn_row(turn, outcome, params.cs_reply_hours, tickets)
                for turn, outcome in turns
            ],
            "earlier": selectors.cs_week_history(shop=access.shop, week_start=chosen),
            "week_options": sorted({w.week_start for w in weeks} | {this_week}, reverse=True),
            "pass_percent": params.cs_pass_percent,
            "reply_hours": params.cs_reply_hours,
            "week_errors": form.errors.get("minggu", []),
        },
        # A week that cannot be shown: the latest one is, under the reason, with a 404.
        status=404 if form.errors else 200,
    )


@shop_view
def holiday_mode(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    now = timezone.now()
    form = HolidayModeForm(request.POST or None)
    warning = None
    if request.method == "POST":
        if not access.is_owner:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "off":
                holiday_mode_switch_off(shop=access.shop, user=request.user, now=now)
                messages.success(request, _("Mode libur dimatikan. Toko buka kembali."))
                return redirect("portal:holiday", shop_code=access.shop.code)
            if action == "cancel":
                cancel = HolidayCancelForm(request.POST)
                if not cancel.is_valid():
                    raise HolidayModeError(cancel.errors["period"][0])
                holiday_mode_cancel(
                    shop=access.shop,
                    period_id=cancel.cleaned_data["period"],
                    user=request.user,
                    now=now,
                )
                messages.success(request, _("Jadwal mode libur dibatalkan."))
                return redirect("portal:holiday", shop_code=access.shop.code)
            if action == "on" and form.is_valid():
                starts_at = form.cleaned_data["starts_at"]
                open_work = selectors.holiday_open_work(shop=access.shop, now=now)
                if open_work and not request.POST.get("confirm") and starts_at is None:
                    warning = open_work  # ask again, listing what is left waiting
                else:
                    holiday_mode_switch_on(
                        shop=access.shop,
                        user=request.user,
                        now=now,
                        starts_at=starts_at if starts_at and starts_at > now else None,
                        ends_at=form.cleaned_data["ends_at"],
                    )
                    if starts_at and starts_at > now:
                        messages.success(request, _("Mode libur dijadwalkan."))
                    else:
                        messages.success(
                            request,
                            _(
                                "Mode libur aktif: toko tampil tutup dan performa layanan "
                                "pelanggan tidak dinilai."
                            ),
                        )
                    return redirect("portal:holiday", shop_code=access.shop.code)
        except HolidayModeError as exc:  # a sentence for the seller (services/holiday_mode)
            form.add_error(None, str(exc))
    current, scheduled, history = selectors.holiday_page(shop=access.shop, now=now)
    return render(
        request,
        "performance/holiday_mode.html",
        {
            "active_nav": "holiday",
            "form": form,
            "warning": warning,
            "current": current,
            "scheduled": scheduled,
            "history": history,
            "can_change": access.is_owner,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@shop_view
def guidelines(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    """Cek Pesan (check a draft before sending) and the shop's flagged messages."""
    draft = request.POST.get("text", "") if request.method == "POST" else ""
    checked = guideline_results(draft[:5000]) if request.method == "POST" else None
    flagged = selectors.shop_guideline_flags(shop=access.shop)
    return render(
        request,
        "performance/guidelines.html",
        {"active_nav": "guidelines", "draft": draft, "checked": checked, "flagged": flagged},
    )


@shop_view
@require_POST
def guidelines_check(request: HttpRequest, access: ShopAccess) -> JsonResponse:
    """The same check for the page's script: flags of a draft as JSON (nothing is stored)."""
    text = request.POST.get("text", "")
    if len(text) > 5000:
        return JsonResponse(
            {"error": _("Pesan terlalu panjang (maksimal 5000 karakter).")}, status=400
        )
    return JsonResponse({"flags": guideline_results(text)})
