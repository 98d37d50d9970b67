"""How score components and penalty sources read for a seller (Indonesian, translatable)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from performance.models import Penalty, SourceKind
from performance.rules.parameters import RuleParameters
from performance.rules.score import SERVICE

COMPONENT_LABELS = {
    "reply_rate": gettext_lazy("Chat dibalas dalam 24 jam"),
    "success_rate": gettext_lazy("Pesanan berhasil"),
    "processing_hours": gettext_lazy("Kecepatan proses pesanan"),
    "good_reviews": gettext_lazy("Ulasan bintang 4–5"),
    "unique_buyers": gettext_lazy("Pembeli unik"),
}
COMPONENT_INPUTS = {
    "reply_rate": gettext_lazy("giliran chat pembeli yang dibalas ≤ 24 jam"),
    "success_rate": gettext_lazy("selesai ÷ (selesai + gagal karena penjual)"),
    "processing_hours": gettext_lazy("median jam dari verifikasi sampai dikirim"),
    "good_reviews": gettext_lazy("ulasan bintang 4 atau 5"),
    "unique_buyers": gettext_lazy("pembeli berbeda dengan pesanan terverifikasi"),
}


def _num(value: float, digits: int = 1) -> str:
    return number_format(round(value, digits), decimal_pos=digits if value % 1 else 0)


@dataclass(frozen=True)
class ComponentLine:
    name: str
    label: str
    explanation: str
    value: str | None
    mapping: str
    weight: int
    points: float | None
    scaled: float | None


def component_lines(components: list[dict], scale: float | None, params: RuleParameters):
    """The rows of the calculation detail, service components first."""
    lines = {"service": [], "product": []}
    for component in components:
        name = component["name"]
        spec = params.components[name]
        value = component["value"]
        if name == "unique_buyers":
            shown = None if value is None else _("%(n)s pembeli") % {"n": int(value)}
            mapping = _("log10(1 + pembeli) ÷ 2, maksimal 1 → %(w)s poin") % {"w": spec.weight}
        elif name == "processing_hours":
            shown = None if value is None else _("%(h)s jam") % {"h": _num(value)}
            mapping = _("%(zero)s jam → 0 poin … %(full)s jam → %(w)s poin") % {
                "zero": _num(spec.zero_at),
                "full": _num(spec.full_at),
                "w": spec.weight,
            }
        else:
            shown = None if value is None else f"{_num(value)}%"
            mapping = _("%(zero)s%% → 0 poin … %(full)s%% → %(w)s poin") % {
                "zero": _num(spec.zero_at),
                "full": _num(spec.full_at),
                "w": spec.weight,
            }
        points = component["points"]
        line = ComponentLine(
            name=name,
            label=str(COMPONENT_LABELS[name]),
            explanation=str(COMPONENT_INPUTS[name]),
            value=shown,
            mapping=mapping,
            weight=component["weight"],
            points=points,
            scaled=None if points is None or scale is None else round(points * scale, 2),
        )
        lines["service" if name in SERVICE else "product"].append(line)
    return lines


def penalty_source(penalty: Penalty) -> str:
    """What is behind a penalty, for a seller: the order, case, product or period."""
    if penalty.source_kind == SourceKind.PERIOD and penalty.period_start:
        if penalty.rule == "PARTIAL_SHIPMENT":
            return _("Bulan %(month)s") % {"month": penalty.source}
        return _("Minggu %(start)s – %(end)s") % {
            "start": penalty.period_start.strftime("%d/%m/%Y"),
            "end": penalty.period_end.strftime("%d/%m/%Y"),
        }
    labels = {
        SourceKind.ORDER: _("Pesanan"),
        SourceKind.CASE: _("Kasus"),
        SourceKind.PRODUCT: _("Produk"),
        SourceKind.EVENT: _("Kejadian"),
    }
    return f"{labels[penalty.source_kind]} {penalty.source}"


def penalty_detail(penalty: Penalty) -> str:
    """What an aggregate rule counted, or the case of a resolution fault."""
    d = penalty.details
    if penalty.rule == "CANCELLATION_ABUSE":
        return _("%(n)s pembatalan pada tahap verifikasi") % {"n": d.get("cancellations", 0)}
    if penalty.rule == "EXTENSION_LIMIT":
        return _("%(ext)s perpanjangan untuk %(orders)s pesanan (batas %(limit)s)") % {
            "ext": d.get("extensions", 0),
            "orders": d.get("orders", 0),
            "limit": d.get("limit", ""),
        }
    if penalty.rule == "TRANSACTION_MANIPULATION":
        return _("%(n)s transaksi ditandai") % {"n": d.get("flagged", 0)}
    if penalty.rule == "PARTIAL_SHIPMENT":
        return _("%(n)s kirim sebagian diterima") % {"n": d.get("accepted", 0)}
    if "case" in d:
        return _("Kasus %(case)s") % {"case": d["case"]}
    return ""


OUTCOME_LABELS = {
    "on_time": gettext_lazy("Tepat waktu"),
    "late": gettext_lazy("Terlambat"),
    "non_working_day": gettext_lazy("Dikecualikan: bukan hari kerja"),
    "holiday_mode": gettext_lazy("Dikecualikan: mode libur"),
    "abuse_ticket": gettext_lazy("Dikecualikan: tiket pembeli kasar terverifikasi"),
}


@dataclass(frozen=True)
class TurnRow:
    conversation: str
    started_at: object
    answered_at: object
    response: str
    outcome: str
    label: str
    auto_reply: bool
    messages: int
    ticket_id: int | None = None


def _duration(seconds: float) -> str:
    """Hours and minutes, never days: the rule is counted in hours (24 j 0 m is on time)."""
    hours, minutes = divmod(int(seconds // 60), 60)
    return _("%(h)s j %(m)s m") % {"h": hours, "m": minutes}


def cs_turn_row(turn, outcome, reply_hours: int, tickets: dict[str, int] | None = None) -> TurnRow:
    response = (
        _duration((turn.answered_at - turn.started_at).total_seconds())
        if turn.answered_at
        else _("belum dibalas")
    )
    return TurnRow(
        conversation=turn.conversation,
        started_at=turn.started_at,
        answered_at=turn.answered_at,
        response=response,
        outcome="excluded" if not outcome.evaluated else str(outcome),
        label=str(OUTCOME_LABELS[outcome]),
        auto_reply=turn.answered_by_auto_reply,
        messages=len(turn.message_ids),
        ticket_id=next((tickets[m] for m in turn.message_ids if m in (tickets or {})), None),
    )


def guideline_results(text: str) -> list[dict]:
    """Flags of a text for a seller, in the active language."""
    from django.utils.translation import get_language

    from performance.rules.guidelines import check_text

    english = (get_language() or "id").startswith("en")
    return [
        {
            "rule": f.rule,
            "section": f.section,
            "match": f.match,
            "start": f.start,
            "end": f.end,
            "title": f.info.title_en if english else f.info.title_id,
            "why": f.info.why_en if english else f.info.why_id,
        }
        for f in check_text(text)
    ]
