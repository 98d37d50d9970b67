from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control


class PortalLocaleMiddleware:
    """Indonesian unless the user chose another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language; the portal serves
    Indonesian sellers, so only the language cookie (set by the switcher) changes it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class PrivatePagesMiddleware:
    """Every answer to a signed-in user is `Cache-Control: private, no-store`: seller pages,
    support pages, the admin, evidence downloads and error pages alike. `Vary: Cookie` alone
    lets a shared cache or the browser's disk keep a page of one user's shop; no-store keeps
    it nowhere.

    Decided without the database (so the health check still answers while it is down): any
    request that carries a session cookie, or whose view read or began a session (sign-in,
    anything behind a login), is treated as signed in. A request without a session (the
    events API, the health check, static files, which whitenoise serves before this) is left
    alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._private(request):
            patch_cache_control(response, private=True, no_store=True)  # drops `public`
        return response

    @staticmethod
    def _private(request) -> bool:
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return True
        session = getattr(request, "session", None)
        return session is not None and (session.accessed or session.modified)
