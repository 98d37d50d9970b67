from django.conf import settings
from django.utils import translation


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
