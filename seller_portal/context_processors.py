from django.utils import timezone
from django.utils.functional import SimpleLazyObject


def portal(request):
    """The shop being viewed (set by access.shop_view) and whether it is closed right now.

    `shop_closed` is lazy: pages without a shop never query it.
    """
    access = getattr(request, "shop_access", None)
    context = {"shop_access": access, "current_shop": access.shop if access else None}
    if access is not None:
        from performance.services.holiday_mode import holiday_period_current

        context["shop_closed"] = SimpleLazyObject(
            lambda: holiday_period_current(shop=access.shop, now=timezone.now()) is not None
        )
    if request.user.is_authenticated:
        from appeals.selectors import user_unread_notice_count

        context["unread_notices"] = SimpleLazyObject(
            lambda: user_unread_notice_count(user=request.user)
        )
    return context
