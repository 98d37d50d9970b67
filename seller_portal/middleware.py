"""Middleware of the portal: the language of each request, and requests whose text cannot be
stored or read (refused once here, for every page, form and query parameter)."""

import re
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import QueryDict
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext


def portal_language(request) -> str:
    """Indonesian unless the language cookie (set by the switcher) names another one."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in {code for code, _ in settings.LANGUAGES} else settings.LANGUAGE_CODE


class PortalLocaleMiddleware:
    """Indonesian unless the user chose another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language; the portal serves
    Indonesian sellers, so only the language cookie (set by the switcher) changes it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = portal_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


# What PostgreSQL cannot store (NUL) and UTF-8 cannot encode (a lone surrogate).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]").search
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class UnreadableInput(BadRequest):
    """A request refused by UnreadableInputMiddleware; handler400 explains it."""


def unreadable_message() -> str:
    return gettext(
        "Permintaan ini berisi karakter yang tidak dapat diproses (karakter NUL, surrogat "
        "tunggal, atau teks yang bukan UTF-8). Periksa isian atau alamat halaman lalu coba lagi."
    )


def _encoded_text_is_readable(raw: bytes) -> bool:
    """An application/x-www-form-urlencoded text (a query string or a form body): decoded,
    it is UTF-8 and holds no NUL. Django would decode it with replacement characters, silently
    changing what was sent, and PostgreSQL refuses NUL (a 500)."""
    data = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")  # strict: a surrogate's UTF-8 form (ED A0 80) is refused too
    except UnicodeDecodeError:
        return False
    return True


def _wsgi_bytes(text: str) -> bytes:
    """A WSGI environ string back to its bytes (PEP 3333: decoded as ISO-8859-1)."""
    try:
        return text.encode("iso-8859-1")
    except UnicodeEncodeError:  # a server that decoded it otherwise (ASGI gives UTF-8 text)
        return text.encode("utf-8", "surrogatepass")


class UnreadableInputMiddleware:
    """Refuse, with a 400 page (or the API's JSON error), any request whose path, query string
    or form fields hold a NUL character, a lone surrogate or percent-escapes that are not
    UTF-8; a cookie holding one is ignored (the browser never sent it on purpose).

    The query string and path are checked before any view runs. Form bodies are checked
    when they are parsed, wherever that happens (CSRF, a form, the evidence upload check), so
    a body is never read earlier than before: an upload that is too large is still refused
    unread. A url-encoded body is checked as sent (bytes); a multipart body after Django
    decodes it (values and file names), since it offers no other hook. The events API takes
    JSON, not form bodies; its events are checked by the contract (event_types), which
    refuses NUL in its own error format.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in [n for n, v in request.COOKIES.items() if _UNSTORABLE(n + v)]:
            del request.COOKIES[name]
        if _UNSTORABLE(request.path_info) or not _encoded_text_is_readable(
            _wsgi_bytes(request.META.get("QUERY_STRING", ""))
        ):
            # Answered here, without a traceback in the log (Django logs the 400 itself).
            from seller_portal.views import bad_request

            return bad_request(request, UnreadableInput("unreadable path or query string"))
        if request.method not in ("GET", "HEAD") and request.content_type in FORM_TYPES:
            self._check_when_parsed(request)
        return self.get_response(request)

    @staticmethod
    def _check_when_parsed(request) -> None:
        parse = request._load_post_and_files

        def parse_and_check():
            parse()
            if request.content_type == FORM_TYPES[0]:
                body = getattr(request, "_body", None)  # None: read as a stream instead
                readable = body is None or _encoded_text_is_readable(body)
            else:
                texts = [t for key, values in request._post.lists() for t in (key, *values)]
                texts += [
                    t
                    for key, files in request._files.lists()
                    for t in (key, *(f.name or "" for f in files))
                ]
                readable = not any(_UNSTORABLE(t) for t in texts)
            if not readable:
                # Whoever catches the error finds an empty form, never the refused values.
                request._post, request._files = QueryDict(), MultiValueDict()
                raise UnreadableInput("unreadable form body")

        request._load_post_and_files = parse_and_check


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
