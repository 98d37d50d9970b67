"""Every e-mail the portal sends goes through `mail_send`: its subject is made one line here.

A mail header may not hold a line break (Django refuses "\\r" and "\\n" with BadHeaderError,
which stopped every notification of a shop whose name had one). Subjects are built from
stored text (shop names, reasons staff wrote), so they are cleaned in this one place instead
of at each caller; tests/test_bad_input.py holds that no other module sends mail.
"""

from __future__ import annotations

import re

from django.core.mail import send_mail

SUBJECT_MAX_LENGTH = 200
# Control characters (C0, DEL, C1: CR, LF, tab, NEL, ...), Unicode line and paragraph
# separators, and any other whitespace: one space between words.
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\s]+")


def header_text(text: str, max_length: int = SUBJECT_MAX_LENGTH) -> str:
    """`text` as one line for a mail header: every run of control characters, line breaks
    and whitespace becomes one space, the ends are stripped, and at most `max_length`
    characters are kept (an ellipsis marks a cut)."""
    line = _NOT_ONE_LINE.sub(" ", text).strip()
    if len(line) > max_length:
        line = line[: max_length - 1].rstrip() + "…"
    return line


def mail_send(*, subject: str, body: str, recipients: list[str]) -> None:
    """Send one message from DEFAULT_FROM_EMAIL; the subject is made one header line."""
    send_mail(header_text(subject), body, None, recipients)
