"""The one door to a shop: which shops a user may see, and in which role.

Every seller page resolves its shop through `shop_access_or_404`. A shop that does not
exist and a shop the user may not see give the same answer, 404, so the portal never
confirms that another seller's shop code exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from seller_portal.models import Membership, Role, Shop

VIEW_ALL_SHOPS = "seller_portal.view_all_shops"


@dataclass(frozen=True)
class ShopAccess:
    shop: Shop
    role: str | None  # "owner" or "agent"; None for staff reading any shop

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""

    @property
    def is_member(self) -> bool:
        return self.role is not None


def can_read_all_shops(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm(VIEW_ALL_SHOPS))


def shops_for_user(user) -> QuerySet[Shop]:
    """Shops the user may open in the portal, ordered by code."""
    if not (user.is_authenticated and user.is_active):
        return Shop.objects.none()
    if can_read_all_shops(user):
        return Shop.objects.all()
    return Shop.objects.filter(memberships__user=user)


def shop_rows_for_user(user, rows: QuerySet, *, shop_field: str = "shop") -> QuerySet:
    """The rows of `rows` whose shop the user may open now: every read of shop data that is
    not one shop's page (a user's notices, the unread badge on every page) narrows through
    here, so a member removed from a shop stops reading its rows the moment the membership
    goes.

    The rule is `can_read_all_shops` or a membership, written as one condition of the query
    itself (the permission as ModelBackend grants it: the user's own or a group's), so the
    badge costs the one query it always did instead of two permission queries more on every
    seller page. tests/test_access.py holds it equal to `shops_for_user`.
    """
    if not (user.is_authenticated and user.is_active):
        return rows.none()
    if user.is_superuser:
        return rows
    app_label, codename = VIEW_ALL_SHOPS.split(".")
    reads_all = Permission.objects.filter(
        Q(user=user) | Q(group__user=user), content_type__app_label=app_label, codename=codename
    )
    member = Membership.objects.filter(user=user, shop=OuterRef(shop_field))
    return rows.filter(Exists(member) | Exists(reads_all))


def shop_access_or_404(user, shop_code: str) -> ShopAccess:
    if user.is_authenticated and user.is_active:
        membership = (
            Membership.objects.select_related("shop")
            .filter(user=user, shop__code=shop_code)
            .first()
        )
        if membership is not None:
            return ShopAccess(shop=membership.shop, role=membership.role)
        if can_read_all_shops(user):
            shop = Shop.objects.filter(code=shop_code).first()
            if shop is not None:
                return ShopAccess(shop=shop, role=None)
    raise Http404("No shop matches the given query.")


def shop_view(view):
    """Decorate a view taking `shop_code`: it receives `access` (a ShopAccess) instead."""

    @login_required
    @wraps(view)
    def wrapper(request, shop_code: str, *args, **kwargs):
        access = shop_access_or_404(request.user, shop_code)
        request.shop_access = access
        return view(request, access, *args, **kwargs)

    return wrapper
