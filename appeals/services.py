"""Abuse tickets and appeals: every state change goes through here, leaves a timeline row in
the same transaction, and notifies the shop after commit.

Enforcement records and excluded messages belong to performance (its rules issue them):
a verified ticket writes its exclusions through `performance.services.exclusions`, an
accepted appeal voids its record and recomputes through `performance.jobs`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals.evidence import CheckedFile, evidence_check
from appeals.models import (
    AbuseTicket,
    Appeal,
    AppealReason,
    CaseEvent,
    Evidence,
    Notice,
    TicketCategory,
)
from appeals.selectors import user_notices
from performance.jobs import enqueue_results_update
from performance.models import EnforcementRecord, Event, ExclusionSource
from performance.rules.calendar import wib_midnight
from performance.services.calendar import working_calendar
from performance.services.exclusions import message_exclusions_set
from seller_portal.mail import mail_send
from seller_portal.models import Membership, Role, Shop

logger = logging.getLogger(__name__)


# --- Tickets and appeals ------------------------------------------------------------------------

WORKING_DAYS_TO_DECIDE = 3
FIRST_APPEAL_DAYS = 30
SECOND_APPEAL_DAYS = 15
MAX_APPEALS = 2


class CaseError(ValueError):
    """A refused step; the message is for the person who tried it."""


def decision_due(submitted: date, working_days: int = WORKING_DAYS_TO_DECIDE) -> date:
    """The date by which staff decide: 3 working days after submission (RULES §8)."""
    calendar = working_calendar(submitted, submitted + timedelta(days=working_days * 4 + 14))
    day, left = submitted, working_days
    while left:
        day += timedelta(days=1)
        left -= calendar.is_working(day)
    return day


def _record(case, actor, from_state: str, to_state: str, note: str = "") -> None:
    field = "ticket" if isinstance(case, AbuseTicket) else "appeal"
    CaseEvent.objects.create(
        **{field: case}, actor=actor, from_state=from_state, to_state=to_state, note=note
    )


def _store_evidence(*, shop, user, files: list[CheckedFile], ticket=None, appeal=None) -> None:
    for checked in files:
        evidence = Evidence(
            shop=shop,
            ticket=ticket,
            appeal=appeal,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=user,
        )
        evidence.file.save(checked.name, checked.upload, save=False)
        evidence.save()


def _notify(*, shop: Shop, text: str, url: str, extra_users=()) -> None:
    """A notice in the portal for the shop's owners (and whoever filed), and an e-mail to the
    owners after commit."""
    owners = list(
        get_user_model().objects.filter(memberships__shop=shop, memberships__role=Role.OWNER)
    )
    recipients = {user.pk: user for user in [*owners, *extra_users]}
    Notice.objects.bulk_create(
        Notice(user=user, shop=shop, text=text[:300], url=url) for user in recipients.values()
    )
    emails = [user.email for user in owners if user.email]
    if emails:
        # mail_send makes it one header line: a shop name or a reason on several lines.
        subject = f"[{shop.name}] {text}"
        transaction.on_commit(lambda: _send(subject, f"{text}\n\n{url}", emails))


def _send(subject: str, body: str, emails: list[str]) -> None:
    """E-mail after the decision is stored: a mail server failure is logged, never raised."""
    try:
        mail_send(subject=subject, body=body, recipients=emails)
    except Exception:
        logger.exception("could not e-mail %s about %r", emails, subject)


def _member_filer(case) -> list:
    user = case.filed_by
    is_member = Membership.objects.filter(user=user, shop=case.shop).exists()
    return [user] if is_member else []


def _transition(case, *, allowed: tuple[str, ...], to: str, actor, note: str = "") -> None:
    if case.state not in allowed:
        raise CaseError(
            _("Tidak bisa: status sekarang %(state)s.") % {"state": case.get_state_display()}
        )
    before = case.state
    case.state = to
    fields = ["state"]
    if to in ("verified", "rejected", "accepted"):
        case.decided_at = timezone.now()
        case.decision_reason = note
        fields += ["decided_at", "decision_reason"]
    case.save(update_fields=fields)
    _record(case, actor, before, to, note)


# Tickets


@transaction.atomic
def ticket_file(
    *,
    shop: Shop,
    user,
    conversation: str,
    message_ids: list[str],
    category: str,
    description: str,
    files: list,
    by_support: bool = False,
    today: date,
) -> AbuseTicket:
    """File a ticket about a buyer's messages in one of the shop's conversations."""
    if not message_ids:
        raise CaseError(_("Pilih minimal satu pesan pembeli."))
    if category not in TicketCategory.values:
        raise CaseError(_("Pilih kategori."))
    if not description.strip():
        raise CaseError(_("Jelaskan apa yang terjadi."))
    messages = list(
        Event.objects.filter(
            shop=shop,
            type="chat.message",
            subject=conversation,
            data__sender="buyer",
            data__message__in=list(message_ids),
        ).values_list("data__message", "data__buyer")
    )
    if len({message for message, _buyer in messages}) != len(set(message_ids)):
        raise CaseError(_("Pesan yang dipilih bukan pesan pembeli dalam percakapan ini."))
    checked = evidence_check(files)
    ticket = AbuseTicket.objects.create(
        shop=shop,
        conversation=conversation,
        buyer=messages[0][1],
        message_ids=sorted(set(message_ids)),
        category=category,
        description=description.strip(),
        filed_by=user,
        filed_by_support=by_support,
        due_on=decision_due(today),
    )
    _store_evidence(shop=shop, user=user, files=checked, ticket=ticket)
    _record(ticket, user, "", AbuseTicket.State.SUBMITTED)
    return ticket


@transaction.atomic
def ticket_start_review(*, ticket: AbuseTicket, reviewer) -> AbuseTicket:
    _transition(ticket, allowed=("submitted",), to="in_review", actor=reviewer)
    return ticket


@transaction.atomic
def ticket_verify(*, ticket: AbuseTicket, reviewer, note: str = "") -> AbuseTicket:
    """Verified: the messages leave the CS evaluation (performance's exclusions, written in
    the same transaction); the weeks they touch are re-evaluated."""
    _transition(ticket, allowed=("in_review",), to="verified", actor=reviewer, note=note)
    message_exclusions_set(
        shop_id=ticket.shop_id,
        conversation=ticket.conversation,
        message_ids=ticket.message_ids,
        source_kind=ExclusionSource.ABUSE_TICKET,
        source_id=ticket.pk,
    )
    first = (
        Event.objects.filter(shop=ticket.shop, type="chat.message", subject=ticket.conversation)
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    enqueue_results_update(
        since_by_shop={ticket.shop_id: first}, triggered_by=f"ticket:{ticket.pk}"
    )
    _notify(
        shop=ticket.shop,
        text=_("Tiket #%(id)s terverifikasi: pesan pembeli %(buyer)s tidak dinilai.")
        % {"id": ticket.pk, "buyer": ticket.buyer},
        url=reverse("portal:ticket", args=[ticket.shop.code, ticket.pk]),
        extra_users=_member_filer(ticket),
    )
    return ticket


@transaction.atomic
def ticket_reject(*, ticket: AbuseTicket, reviewer, reason: str) -> AbuseTicket:
    if not reason.strip():
        raise CaseError(_("Alasan penolakan wajib diisi."))
    _transition(ticket, allowed=("in_review",), to="rejected", actor=reviewer, note=reason.strip())
    _notify(
        shop=ticket.shop,
        text=_("Tiket #%(id)s ditolak: %(reason)s") % {"id": ticket.pk, "reason": reason.strip()},
        url=reverse("portal:ticket", args=[ticket.shop.code, ticket.pk]),
        extra_users=_member_filer(ticket),
    )
    return ticket


# Appeals


@dataclass(frozen=True)
class AppealAllowance:
    allowed: bool
    attempt: int  # the number the next appeal would have
    remaining: int
    deadline: date | None
    reason: str  # why not, when not allowed


def _notice_date(target) -> date:
    return target.issued_on


def appeal_allowance(*, target, today: date, appeals: list | None = None) -> AppealAllowance:
    """Whether the item may be appealed now: 2 appeals at most, the first within 30 days of the
    notice, the second within 15 days of the first one's rejection."""
    if appeals is None:
        appeals = list(target.appeals.order_by("attempt"))
    remaining = MAX_APPEALS - len(appeals)
    attempt = len(appeals) + 1
    if target.voided_at is not None:
        return AppealAllowance(False, attempt, 0, None, _("Sudah dibatalkan."))
    if getattr(target, "withdrawn_at", None) is not None:
        return AppealAllowance(False, attempt, 0, None, _("Catatan ini sudah ditarik."))
    if remaining <= 0:
        return AppealAllowance(False, attempt, 0, None, _("Batas 2 banding sudah terpakai."))
    if appeals:
        last = appeals[-1]
        if last.state != Appeal.State.REJECTED:
            return AppealAllowance(
                False, attempt, remaining, None, _("Banding sebelumnya masih diproses.")
            )
        deadline = timezone.localtime(last.decided_at).date() + timedelta(days=SECOND_APPEAL_DAYS)
    else:
        deadline = _notice_date(target) + timedelta(days=FIRST_APPEAL_DAYS)
    if today > deadline:
        return AppealAllowance(
            False,
            attempt,
            remaining,
            deadline,
            _("Batas waktu banding sudah lewat (%(date)s).") % {"date": f"{deadline:%d/%m/%Y}"},
        )
    return AppealAllowance(True, attempt, remaining, deadline, "")


@transaction.atomic
def appeal_file(
    *,
    target,
    user,
    reason: str,
    explanation: str,
    order_ids: list[str],
    files: list,
    today: date,
) -> Appeal:
    """Appeal a penalty or an enforcement record (shop owners only, checked by the caller)."""
    target = type(target).objects.select_for_update().get(pk=target.pk)
    allowance = appeal_allowance(target=target, today=today)
    if not allowance.allowed:
        raise CaseError(allowance.reason)
    if reason not in AppealReason.values:
        raise CaseError(_("Pilih alasan banding."))
    if not explanation.strip():
        raise CaseError(_("Penjelasan wajib diisi."))
    checked = evidence_check(files)
    field = "penalty" if target._meta.model_name == "penalty" else "enforcement"
    appeal = Appeal.objects.create(
        shop=target.shop,
        **{field: target},
        attempt=allowance.attempt,
        reason=reason,
        explanation=explanation.strip(),
        order_ids=order_ids,
        filed_by=user,
        due_on=decision_due(today),
    )
    _store_evidence(shop=target.shop, user=user, files=checked, appeal=appeal)
    _record(appeal, user, "", Appeal.State.SUBMITTED)
    return appeal


def _appeal_notify(appeal: Appeal, text: str) -> None:
    _notify(
        shop=appeal.shop,
        text=text,
        url=reverse("portal:appeal", args=[appeal.shop.code, appeal.pk]),
        extra_users=_member_filer(appeal),
    )


@transaction.atomic
def appeal_start_review(*, appeal: Appeal, reviewer) -> Appeal:
    _transition(appeal, allowed=("submitted",), to="in_review", actor=reviewer)
    return appeal


@transaction.atomic
def appeal_ask_info(*, appeal: Appeal, reviewer, question: str) -> Appeal:
    if not question.strip():
        raise CaseError(_("Tulis pertanyaan untuk penjual."))
    _transition(
        appeal, allowed=("in_review",), to="needs_info", actor=reviewer, note=question.strip()
    )
    _appeal_notify(
        appeal,
        _("Banding #%(id)s perlu informasi: %(q)s") % {"id": appeal.pk, "q": question.strip()},
    )
    return appeal


@transaction.atomic
def appeal_answer(*, appeal: Appeal, user, answer: str, files: list) -> Appeal:
    """The seller answers the reviewer's question; the appeal returns to the queue."""
    if not answer.strip():
        raise CaseError(_("Tulis jawaban Anda."))
    checked = evidence_check(files)
    if appeal.evidence.count() + len(checked) > settings.EVIDENCE_MAX_FILES:
        raise CaseError(_("Paling banyak %(n)s berkas bukti.") % {"n": settings.EVIDENCE_MAX_FILES})
    _transition(appeal, allowed=("needs_info",), to="submitted", actor=user, note=answer.strip())
    _store_evidence(shop=appeal.shop, user=user, files=checked, appeal=appeal)
    return appeal


@transaction.atomic
def appeal_accept(*, appeal: Appeal, reviewer, reason: str) -> Appeal:
    """Accepted: the penalty or record is voided and every affected score is recomputed."""
    if not reason.strip():
        raise CaseError(_("Alasan keputusan wajib diisi."))
    _transition(appeal, allowed=("in_review",), to="accepted", actor=reviewer, note=reason.strip())
    target = appeal.target
    target.voided_at = timezone.now()
    target.void_reason = f"#{appeal.pk}: {reason.strip()}"
    target.save(update_fields=["voided_at", "void_reason"])
    enqueue_results_update(
        since_by_shop={appeal.shop_id: wib_midnight(target.issued_on)},
        triggered_by=f"appeal:{appeal.pk}",
    )
    _appeal_notify(
        appeal,
        _("Banding #%(id)s diterima: %(reason)s") % {"id": appeal.pk, "reason": reason.strip()},
    )
    return appeal


@transaction.atomic
def appeal_reject(*, appeal: Appeal, reviewer, reason: str) -> Appeal:
    if not reason.strip():
        raise CaseError(_("Alasan penolakan wajib diisi."))
    _transition(appeal, allowed=("in_review",), to="rejected", actor=reviewer, note=reason.strip())
    _appeal_notify(
        appeal,
        _("Banding #%(id)s ditolak: %(reason)s") % {"id": appeal.pk, "reason": reason.strip()},
    )
    return appeal


@transaction.atomic
def notices_mark_read(*, user, now) -> int:
    """Mark the notices the user is shown as read (those of shops they may still open)."""
    return user_notices(user=user).filter(read_at__isnull=True).update(read_at=now)


def notify_enforcement(*, record: EnforcementRecord) -> None:
    """Tell the shop about a new enforcement record it may appeal. Registered as an
    enforcement listener of performance (`AppealsConfig.ready`)."""
    _notify(
        shop=record.shop,
        text=_("Catatan penegakan baru: %(kind)s. Anda dapat mengajukan banding.")
        % {"kind": record.get_kind_display()},
        url=reverse("portal:appeals", args=[record.shop.code]),
    )
