"""The one door to a shop: which shops a user may see, and in which role.

Every seller page resolves its shop through `shop_access_or_404`. A shop that does not
exist and a shop the user may not see give the same answer, 404, so the portal never
confirms that another seller's shop code exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
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
    if not user.is_authenticated:
        return Shop.objects.none()
    if can_read_all_shops(user):
        return Shop.objects.all()
    return Shop.objects.filter(memberships__user=user)


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
