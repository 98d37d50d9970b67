def portal(request):
    """The shop being viewed, set by access.shop_view."""
    access = getattr(request, "shop_access", None)
    return {"shop_access": access, "current_shop": access.shop if access else None}
