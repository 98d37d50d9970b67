"""gunicorn's settings for the portal: `gunicorn -c python:seller_portal.gunicorn_conf ...`.

Sync workers, as docs/DEPLOY.md sizes them, with one change: when gunicorn itself must
answer (a request stopped at the timeout, a request it cannot parse), the events API still
gets JSON in its usual shape, not gunicorn's HTML page. A client of the API reads every
answer the same way: `{"errors": [{"index": null, "reason": ...}]}`.
"""

from __future__ import annotations

import json

from gunicorn.http import errors as http_errors
from gunicorn.util import write_nonblock
from gunicorn.workers.sync import SyncWorker

worker_class = "seller_portal.gunicorn_conf.JsonApiSyncWorker"
timeout = 30  # seconds a request may take before gunicorn stops its worker
RETRY_AFTER = 30
API_PREFIX = "/api/"

# gunicorn's own statuses for what it refuses to parse.
PARSE_STATUSES = {
    http_errors.LimitRequestLine: (414, "URI Too Long"),
    http_errors.LimitRequestHeaders: (431, "Request Header Fields Too Large"),
    http_errors.UnsupportedTransferCoding: (501, "Not Implemented"),
    http_errors.ForbiddenProxyRequest: (403, "Forbidden"),
}


def api_error_answer(exc: BaseException) -> tuple[int, str, str, dict[str, str]]:
    """(status, reason phrase, reason for the client, extra headers) for an error that
    gunicorn answers on an API path."""
    if isinstance(exc, SystemExit):
        # The timeout: gunicorn's master aborted the worker. The request's transaction is
        # rolled back as the exception unwinds, so nothing of the batch is stored.
        return (
            503,
            "Service Unavailable",
            "the request took longer than the server allows and was stopped; nothing was "
            "stored; send it again later, or in smaller batches",
            {"Retry-After": str(RETRY_AFTER)},
        )
    if isinstance(exc, http_errors.ParseException) and not isinstance(
        exc, (http_errors.InvalidResponseHeader, http_errors.InvalidResponseHeaderName)
    ):
        status, phrase = next(
            (answer for kind, answer in PARSE_STATUSES.items() if isinstance(exc, kind)),
            (400, "Bad Request"),
        )
        return status, phrase, f"malformed HTTP request: {exc}", {}
    return 500, "Internal Server Error", "internal error; nothing was stored", {}


class JsonApiSyncWorker(SyncWorker):
    """gunicorn's sync worker; its error answers on API paths are JSON."""

    def handle_error(self, req, client, addr, exc):
        path = getattr(req, "path", None) or ""
        if not path.startswith(API_PREFIX):
            return super().handle_error(req, client, addr, exc)
        status, phrase, reason, headers = api_error_answer(exc)
        if status >= 500:
            self.log.exception("Error handling request %s %s", req.method, req.uri)
        else:
            self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        body = json.dumps({"errors": [{"index": None, "reason": reason}]}).encode()
        head = [
            f"HTTP/1.1 {status} {phrase}",
            "Connection: close",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        try:
            write_nonblock(client, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        except OSError:
            self.log.debug("Failed to send the error answer")
