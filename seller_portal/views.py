import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from seller_portal import selectors
from seller_portal.access import ShopAccess, shop_view, shops_for_user
from seller_portal.forms import MemberActionForm
from seller_portal.jobs import redis_ping
from seller_portal.middleware import UnreadableInput, portal_language, unreadable_message
from seller_portal.models import Role
from seller_portal.services import MembershipError, membership_change_role, membership_remove


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One shop: straight to its dashboard. Several (or staff): a list to choose from."""
    shops = list(shops_for_user(request.user)[:2])
    if len(shops) == 1:
        return redirect("portal:dashboard", shop_code=shops[0].code)
    return render(
        request, "portal/home.html", {"shops": shops_for_user(request.user).order_by("code")}
    )


@shop_view
def members(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    """The shop's members and their roles. Owners change roles and remove members (RULES
    §10); agents and staff who read every shop see the list without the controls. Members
    are added by staff in admin for now."""
    error = ""
    confirm = None  # the membership whose removal the owner is asked to confirm
    if request.method == "POST":
        if not access.is_owner:
            raise PermissionDenied
        form = MemberActionForm(request.POST, shop=access.shop)
        if form.is_valid():
            membership = form.cleaned_data["membership"]
            name = membership.user.get_full_name() or membership.user.get_username()
            try:
                if form.cleaned_data["action"] == MemberActionForm.ROLE:
                    role = form.cleaned_data["role"]
                    membership_change_role(membership=membership, role=role, by=request.user)
                    messages.success(
                        request,
                        gettext("Peran %(name)s sekarang %(role)s.")
                        % {"name": name, "role": Role(role).label},
                    )
                elif not form.cleaned_data["confirm"]:
                    confirm = membership
                else:
                    membership_remove(membership=membership, by=request.user)
                    messages.success(
                        request, gettext("%(name)s dihapus dari toko.") % {"name": name}
                    )
                    if membership.user_id == request.user.pk:
                        return redirect("home")  # the owner left the shop
                if confirm is None:
                    return redirect("portal:members", shop_code=access.shop.code)
            except MembershipError as exc:  # a sentence for the seller (services.py)
                error = str(exc)
        else:
            error = form.first_error()
    return render(
        request,
        "portal/members.html",
        {
            "active_nav": "members",
            "members": selectors.shop_members(shop=access.shop),
            "history": selectors.shop_member_changes(shop=access.shop),
            "can_manage": access.is_owner,
            "roles": Role.choices,
            "confirm": confirm,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and operators: the database and, when configured, Redis."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report any failure as unhealthy
        checks["database"] = f"error: {exc.__class__.__name__}"
    checks["redis"] = redis_ping()
    healthy = all(value in ("ok", "not configured") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


@require_GET
@never_cache
def ping(request: HttpRequest) -> HttpResponse:
    """The smallest view: liveness for a load balancer, and the floor of the page benchmark."""
    return HttpResponse("ok", content_type="text/plain")


DATABASE_DOWN = (OperationalError, InterfaceError)
FALLBACK_PAGE = {
    True: "<!DOCTYPE html><title>503</title><h1>Layanan sementara tidak tersedia</h1>",
    False: "<!DOCTYPE html><title>500</title><h1>Terjadi kesalahan</h1>",
}
RETRY_AFTER_SECONDS = "30"


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database that cannot be reached is a 503 to retry, anything else a 500.

    Rendered without the database (no user, no context processors), so it works in the very
    failure it reports. The API answers in its own JSON error shape.
    """
    error = sys.exc_info()[1]
    unavailable = isinstance(error, DATABASE_DOWN) or (
        isinstance(error, DatabaseError) and isinstance(error.__cause__, DATABASE_DOWN)
    )
    status = 503 if unavailable else 500
    if request.path.startswith("/api/"):
        reason = "database unavailable; retry later" if unavailable else "internal error"
        response = JsonResponse({"errors": [{"index": None, "reason": reason}]}, status=status)
    else:
        try:
            html = loader.get_template("server_error.html").render({"unavailable": unavailable})
        except Exception:  # noqa: BLE001 - the error page must not fail in its turn
            html = FALLBACK_PAGE[unavailable]
        response = HttpResponse(html, status=status)
    if unavailable:
        response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a request Django or the portal refused (unreadable text, too many fields,
    a malformed body). A sentence in the user's language, never the exception's text;
    rendered without the session or the database, as the refusal may come before either.
    The API answers in its own JSON error shape."""
    with translation.override(portal_language(request)):
        if isinstance(exception, UnreadableInput):
            message = unreadable_message()
        else:
            message = gettext(
                "Permintaan ini tidak dapat diproses. Muat ulang halaman dan coba lagi."
            )
        if request.path.startswith("/api/"):
            with translation.override("en"):
                reason = unreadable_message() if isinstance(exception, UnreadableInput) else message
            return JsonResponse({"errors": [{"index": None, "reason": reason}]}, status=400)
        html = loader.get_template("bad_request.html").render({"message": message})
    return HttpResponse(html, status=400)
