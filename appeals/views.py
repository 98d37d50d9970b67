"""Seller pages of tickets and appeals, the support entry point, evidence and notices."""

from __future__ import annotations

import logging
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFilesSent,
)
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from appeals import selectors
from appeals.evidence import (
    EvidenceError,
    content_disposition,
    evidence_name,
    served_content_type,
)
from appeals.forms import (
    AnswerForm,
    AppealForm,
    ConversationPickForm,
    SupportShopForm,
    TicketForm,
)
from appeals.models import Appeal, Evidence
from appeals.services import (
    CaseError,
    appeal_allowance,
    appeal_answer,
    appeal_file,
    notices_mark_read,
    ticket_file,
)
from performance.models import EnforcementRecord, Penalty
from seller_portal import clock
from seller_portal.access import ShopAccess, shop_access_or_404, shop_view, shops_for_user
from seller_portal.middleware import UnreadableInput, unreadable_message

ADD_TICKET = "appeals.add_abuseticket"
MB = 1024 * 1024
logger = logging.getLogger(__name__)


def evidence_upload(view):
    """A form that takes evidence files: a body too large to accept is refused before it is
    read, and one Django's parser refuses (too large, too many files or fields, unreadable) is
    explained on a page of its own (413 or 400) instead of Django's bare 400. Nothing is
    stored either way.

    The size is checked before the CSRF check, which would read the body: the view is
    csrf_exempt (`functools.wraps` in `shop_view` carries the mark to the URL's view) and
    checks CSRF itself once the size is known to be acceptable.
    """
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST":
            refusal = _upload_refusal(request)
            if refusal is not None:
                return refusal
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)


def _upload_refusal(request: HttpRequest) -> HttpResponse | None:
    too_large = _(
        "Unggahan terlalu besar: paling banyak %(mb)s MB sekaligus (%(n)s berkas bukti, "
        "masing-masing %(each)s MB)."
    ) % {
        "mb": settings.EVIDENCE_MAX_REQUEST_BYTES // MB,
        "n": settings.EVIDENCE_MAX_FILES,
        "each": settings.EVIDENCE_MAX_BYTES // MB,
    }
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0  # Django reads nothing of a body without a valid length
    if declared > settings.EVIDENCE_MAX_REQUEST_BYTES:
        logger.warning("upload of %s bytes to %s refused unread", declared, request.path)
        return _refused(request, too_large, status=413)
    try:
        request.FILES  # noqa: B018 -- parses the body here, where a refusal is explained
    except RequestDataTooBig as exc:
        logger.warning("upload to %s refused: %s", request.path, exc)
        return _refused(request, too_large, status=413)
    except TooManyFilesSent as exc:
        logger.warning("upload to %s refused: %s", request.path, exc)
        message = _("Paling banyak %(n)s berkas bukti.") % {"n": settings.EVIDENCE_MAX_FILES}
        return _refused(request, message, status=400)
    except UnreadableInput as exc:  # NUL or a lone surrogate (seller_portal/middleware.py)
        logger.warning("upload to %s refused: %s", request.path, exc)
        return _refused(request, unreadable_message(), status=400)
    except (SuspiciousOperation, BadRequest, MultiPartParserError) as exc:
        logger.warning("upload to %s refused: %s", request.path, exc)
        message = _("Unggahan tidak terbaca. Muat ulang halaman dan coba lagi.")
        return _refused(request, message, status=400)
    return None


def _refused(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "appeals/upload_refused.html", {"message": message}, status=status)


def _can_file_ticket(request, access: ShopAccess) -> bool:
    return access.is_member or request.user.has_perm(ADD_TICKET)


@shop_view
def tickets(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    return render(
        request,
        "appeals/tickets.html",
        {
            "active_nav": "tickets",
            "tickets": selectors.shop_tickets(shop=access.shop)[:100],
            "can_file": _can_file_ticket(request, access),
        },
    )


@shop_view
@evidence_upload
def ticket_new(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    """Pick a conversation, then its buyer messages, the category, a description, evidence."""
    if not _can_file_ticket(request, access):
        raise PermissionDenied
    conversation = ConversationPickForm.picked(
        request.POST.get("conversation") or request.GET.get("percakapan") or ""
    )
    conversations = selectors.shop_conversations(shop=access.shop, now=clock.now())
    chat = (
        selectors.conversation_messages(shop=access.shop, conversation=conversation)
        if conversation
        else []
    )
    choices = [
        (m["data"]["message"], m["data"]["message"]) for m in chat if m["data"]["sender"] == "buyer"
    ]
    form = TicketForm(request.POST or None, request.FILES or None, message_choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = ticket_file(
                shop=access.shop,
                user=request.user,
                conversation=conversation,
                message_ids=form.cleaned_data["messages"],
                category=form.cleaned_data["category"],
                description=form.cleaned_data["description"],
                files=form.cleaned_data["evidence"],
                by_support=not access.is_member,
                today=clock.today(),
            )
        except (CaseError, EvidenceError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Tiket #%(id)s diajukan.") % {"id": ticket.pk})
            return redirect("portal:ticket", shop_code=access.shop.code, pk=ticket.pk)
    return render(
        request,
        "appeals/ticket_new.html",
        {
            "active_nav": "tickets",
            "form": form,
            "conversations": conversations,
            "conversation": conversation,
            "chat": chat,
        },
        status=400 if request.method == "POST" else 200,
    )


@shop_view
def ticket(request: HttpRequest, access: ShopAccess, pk: int) -> HttpResponse:
    return render(
        request,
        "appeals/ticket.html",
        {"active_nav": "tickets", "ticket": selectors.shop_ticket(shop=access.shop, pk=pk)},
    )


@shop_view
def appeals(request: HttpRequest, access: ShopAccess) -> HttpResponse:
    today = clock.today()
    records = [
        (record, appeal_allowance(target=record, today=today, appeals=list(record.appeals.all())))
        for record in selectors.shop_enforcement_records(shop=access.shop)[:50]
    ]
    return render(
        request,
        "appeals/appeals.html",
        {
            "active_nav": "appeals",
            "appeals": selectors.shop_appeals(shop=access.shop)[:100],
            "records": records,
            "can_appeal": access.is_owner,
        },
    )


def _appeal_new(request: HttpRequest, access: ShopAccess, target) -> HttpResponse:
    if not access.is_owner:
        raise PermissionDenied
    today = clock.today()
    allowance = appeal_allowance(target=target, today=today)
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = appeal_file(
                target=target,
                user=request.user,
                reason=form.cleaned_data["reason"],
                explanation=form.cleaned_data["explanation"],
                order_ids=form.cleaned_data["order_ids"],
                files=form.cleaned_data["evidence"],
                today=today,
            )
        except (CaseError, EvidenceError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Banding #%(id)s diajukan.") % {"id": appeal.pk})
            return redirect("portal:appeal", shop_code=access.shop.code, pk=appeal.pk)
    return render(
        request,
        "appeals/appeal_new.html",
        {"active_nav": "appeals", "form": form, "target": target, "allowance": allowance},
        status=400 if request.method == "POST" else 200,
    )


@shop_view
@evidence_upload
def appeal_new_penalty(request: HttpRequest, access: ShopAccess, penalty_id: int) -> HttpResponse:
    penalty = get_object_or_404(Penalty.objects.filter(shop=access.shop), pk=penalty_id)
    return _appeal_new(request, access, penalty)


@shop_view
@evidence_upload
def appeal_new_record(request: HttpRequest, access: ShopAccess, record_id: int) -> HttpResponse:
    record = get_object_or_404(EnforcementRecord.objects.filter(shop=access.shop), pk=record_id)
    return _appeal_new(request, access, record)


@shop_view
@evidence_upload
def appeal(request: HttpRequest, access: ShopAccess, pk: int) -> HttpResponse:
    case = selectors.shop_appeal(shop=access.shop, pk=pk)
    form = AnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not access.is_owner:
            raise PermissionDenied
        if form.is_valid():
            try:
                appeal_answer(
                    appeal=case,
                    user=request.user,
                    answer=form.cleaned_data["answer"],
                    files=form.cleaned_data["evidence"],
                )
            except (CaseError, EvidenceError) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Jawaban terkirim; banding kembali ke antrean."))
                return redirect("portal:appeal", shop_code=access.shop.code, pk=case.pk)
    return render(
        request,
        "appeals/appeal.html",
        {
            "active_nav": "appeals",
            "appeal": case,
            "form": form,
            "can_answer": access.is_owner and case.state == Appeal.State.NEEDS_INFO,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, only for the shop's members, staff who may read the shop, and
    reviewers (who see it in the admin queue).

    Always a download, never rendered by the browser: the type sniffed at upload, nosniff, a
    sandboxing Content-Security-Policy, and a cleaned name that ends in that type's extension.
    """
    item = get_object_or_404(Evidence.objects.select_related("shop"), pk=pk)
    if not request.user.has_perm("appeals.view_evidence"):
        shop_access_or_404(request.user, item.shop.code)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        logger.error("evidence %s: %s is missing from storage", item.pk, item.file.name)
        raise Http404("No evidence file.") from None
    response = FileResponse(handle, content_type=served_content_type(item.content_type))
    response["Content-Disposition"] = content_disposition(
        evidence_name(item.name, item.content_type)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    items = list(selectors.user_notices(user=request.user).select_related("shop")[:50])
    if request.method == "POST":
        notices_mark_read(user=request.user, now=timezone.now())
        return redirect("notices")
    return render(request, "appeals/notices.html", {"notices": items})


@login_required
def support_ticket(request: HttpRequest) -> HttpResponse:
    """Support staff pick a shop, then file the ticket on its behalf."""
    if not request.user.has_perm(ADD_TICKET):
        raise PermissionDenied
    code = request.GET.get("toko", "").strip()
    shops = shops_for_user(request.user)
    if code:
        form = SupportShopForm({"toko": code})
        if form.is_valid() and shops.filter(code=form.cleaned_data["toko"]).exists():
            return redirect("portal:ticket_new", shop_code=form.cleaned_data["toko"])
        shown = code if len(code) <= 60 else code[:57] + "..."
        messages.error(request, _("Toko %(code)s tidak ditemukan.") % {"code": shown})
    return render(request, "appeals/support_ticket.html", {"shops": shops.order_by("code")[:500]})
