"""The seller's score pages: dashboard, penalty history and the calculation detail.

One small shop, computed by the real engine, with a known answer (worked out below).
"""

import json
from datetime import date

import pytest
from django.urls import reverse

from performance.services.ingest import events_ingest
from performance.services.recalculation import results_recalculate
from tests.helpers import event

pytestmark = pytest.mark.django_db

TODAY = date(2025, 4, 21)  # a Monday: the refreshes of 14 and 21 April exist


def order(n, verified, shipped=None, completed=None, buyer=None):
    events = [
        event(
            "order.verified",
            id=f"v{n}",
            at=verified,
            order=f"INV/{n}",
            amount=100000,
            buyer=buyer or f"b{n}",
        )
    ]
    if shipped:
        events.append(event("order.shipped", id=f"s{n}", at=shipped, order=f"INV/{n}"))
    if completed:
        events.append(event("order.completed", id=f"c{n}", at=completed, order=f"INV/{n}"))
    return events


@pytest.fixture
def scored(client, make_shop, make_user, monkeypatch):
    """Refresh of 21 April 2025 (data of the 90 days before it):

    - reply rate: 1 turn (Tuesday 8 April; Monday 7 April is cuti bersama) answered in 30 min
      → 100% → 25
    - success: 2 completed ÷ (2 + 1 ignored + 12 cancelled in verification) = 13.3% → 0
    - processing: median of 24 h and 48 h = 36 h → (72 − 36) ÷ 48 × 20 = 15
    - good reviews: 1 of 1 → 100% → 15
    - unique buyers: 3 → log10(4) ÷ 2 × 10 = 3.01
    - penalties: ORDER_IGNORED 1 (9 Apr) + CANCELLATION_ABUSE 3 (13 Apr) = 4
    score = 40 + 18.01 − 4 = 54.0 (service 40.0, product 18.0)

    Refresh of 14 April: only order 1 shipped (24 h → 20), 2 buyers (2.39): 58.4.
    """
    shop = make_shop()
    events = [
        *order(
            1, "2025-04-07T09:00:00+07:00", "2025-04-08T09:00:00+07:00", "2025-04-10T09:00:00+07:00"
        ),
        event(
            "review.posted",
            id="r1",
            at="2025-04-11T09:00:00+07:00",
            order="INV/1",
            rating=5,
            buyer="b1",
        ),
        *order(2, "2025-04-08T10:00:00+07:00"),
        event("order.ignored", id="i2", at="2025-04-09T10:00:00+07:00", order="INV/2"),
        *order(
            3, "2025-04-15T10:00:00+07:00", "2025-04-17T10:00:00+07:00", "2025-04-18T10:00:00+07:00"
        ),
        *[
            event(
                "order.cancelled_in_verification",
                id=f"x{n}",
                at="2025-04-10T12:00:00+07:00",
                order=f"INV/X{n}",
            )
            for n in range(12)
        ],
        event(
            "chat.message",
            id="m1",
            at="2025-04-08T10:00:00+07:00",
            conversation="c1",
            message="m1",
            sender="buyer",
            buyer="b1",
            text="Kak, ready?",
        ),
        event(
            "chat.message",
            id="m2",
            at="2025-04-08T10:30:00+07:00",
            conversation="c1",
            message="m2",
            sender="seller",
            buyer="b1",
            text="Ready kak",
        ),
    ]
    assert events_ingest(items=enumerate(events)).ok
    results_recalculate(as_of=TODAY)
    monkeypatch.setattr("seller_portal.clock.today", lambda: TODAY)
    client.force_login(make_user("pemilik", shop=shop))
    return shop


def test_dashboard_shows_score_change_risk_components_and_penalties(client, scored):
    html = client.get("/toko/toko-a/").content.decode()

    assert '<p class="score-value" data-testid="score">54,0</p>' in html
    assert '<span class="delta down">▼ 4,4</span>' in html
    assert "Berisiko: skor di bawah batas minimum 60 untuk Power Merchant." in html
    assert "<dt>Kualitas layanan</dt><dd>40,0" in html
    assert "<dt>Kualitas produk</dt><dd>18,0" in html
    assert "<dt>Pengurangan penalti</dt><dd>−4" in html
    assert "4 poin sedang memotong skor (maksimal 15 dihitung)." in html
    assert "Penyalahgunaan pembatalan pesanan" in html
    assert "Pesanan INV/2" in html
    assert "Minggu 06/04/2025 – 12/04/2025" in html


def test_dashboard_trend_is_a_plotly_figure_with_the_threshold(client, scored):
    html = client.get("/toko/toko-a/").content.decode()
    start = html.index('<script id="score-trend-data" type="application/json">') + len(
        '<script id="score-trend-data" type="application/json">'
    )
    figure = json.loads(html[start : html.index("</script>", start)])

    score, threshold = figure["data"]
    assert score["x"] == ["2025-04-14", "2025-04-21"]
    assert score["y"] == [58.4, 54.0]
    assert threshold["y"] == [60, 60]
    assert threshold["name"] == "Batas minimum 60"
    assert 'src="/static/vendor/plotly.min.js"' in html


def test_the_cached_dashboard_shows_what_changed_since_it_was_rendered(client, scored):
    from django.utils import timezone

    from performance.models import Penalty

    before = client.get("/toko/toko-a/").content.decode()
    assert "Pesanan INV/2" in before

    # The ignored order's penalty voided (as an accepted appeal does) and the scores
    # recomputed: 1 point less deducted → 55.0. A new event moves "last data received".
    Penalty.objects.filter(rule="ORDER_IGNORED").update(voided_at=timezone.now())
    results_recalculate(as_of=TODAY)
    assert events_ingest(items=enumerate(order(9, "2025-04-20T18:30:00+07:00"))).ok

    after = client.get("/toko/toko-a/").content.decode()
    assert '<p class="score-value" data-testid="score">55,0</p>' in after
    assert "Pesanan INV/2" not in after
    assert "3 poin sedang memotong skor" in after
    assert "20 Apr 2025, 18:30 WIB" in after
    assert "20 Apr 2025, 18:30 WIB" not in before


def test_the_dashboard_follows_the_language(client, scored):
    client.get("/toko/toko-a/")
    client.cookies["django_language"] = "en"

    html = client.get("/toko/toko-a/").content.decode()

    assert "Active penalties" in html
    assert "Penalti aktif" not in html


def test_dashboard_without_any_refresh_says_when_scores_come(client, make_shop, make_user):
    shop = make_shop()
    client.force_login(make_user("pemilik", shop=shop))

    html = client.get("/toko/toko-a/").content.decode()

    assert "Belum ada data: skor dihitung setiap Senin pukul 00.05 WIB" in html
    assert "plotly.min.js" not in html


def rows(html):
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return body.count("<tr>")


def test_penalty_history_lists_each_rule_with_dates_status_and_source(client, scored):
    html = client.get("/toko/toko-a/penalti/").content.decode()

    assert rows(html) == 2
    first, second = (
        html.index("Penyalahgunaan pembatalan pesanan"),
        html.index("Mengabaikan pesanan"),
    )
    assert first < second  # newest first
    assert "13/04/2025" in html and "10/05/2025" in html  # issued, active until (28 days)
    assert "12 pembatalan pada tahap verifikasi" in html
    assert html.count("Sedang berlangsung") == 2 + 1  # two rows and the status filter option


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("group=cancellation", 1),
        ("group=cancellation_abuse", 1),
        ("group=product", 0),
        ("status=active", 2),
        ("status=expired", 0),
        ("status=pending", 0),
        ("date_from=2025-04-10", 1),
        ("date_to=2025-04-10", 1),
        ("date_from=2025-04-12&date_to=2025-04-10", 2),  # refused: no filter, an error
    ],
)
def test_penalty_history_filters(client, scored, query, expected):
    html = client.get(f"/toko/toko-a/penalti/?{query}").content.decode()

    assert (rows(html) if "<tbody>" in html else 0) == expected


def test_penalty_history_explains_a_refused_date_range(client, scored):
    html = client.get(
        "/toko/toko-a/penalti/?date_from=2025-04-12&date_to=2025-04-10"
    ).content.decode()

    assert "Tanggal awal harus sebelum tanggal akhir." in html


def test_penalty_history_sorts_by_points_and_pages_by_twenty(client, scored):
    extra = [
        event("order.ignored", id=f"late{n}", at="2025-04-02T10:00:00+07:00", order=f"INV/L{n}")
        for n in range(25)
    ]
    assert events_ingest(items=enumerate(extra)).ok
    results_recalculate(as_of=TODAY)

    first = client.get("/toko/toko-a/penalti/?sort=-points").content.decode()
    second = client.get("/toko/toko-a/penalti/?sort=-points&page=2").content.decode()

    assert "27 penalti" in first
    assert rows(first) == 20 and rows(second) == 7
    assert first.index("Penyalahgunaan pembatalan pesanan") < first.index("Mengabaikan pesanan")
    assert 'href="?sort=-points&amp;page=2" rel="next"' in first
    assert "Halaman 2 dari 2" in second


def test_score_detail_shows_inputs_mappings_points_deductions_and_cap(client, scored):
    html = client.get("/toko/toko-a/skor/").content.decode()

    assert (
        "Skor Senin 21/04/2025 dihitung dari data 90 hari sebelum pukul 00.00 WIB, dengan set aturan v1."
        in html
    )
    assert "<td>100%</td>" in html  # reply rate
    assert "<td>13,3%</td>" in html  # success rate
    assert "<td>36 jam</td>" in html
    assert "72 jam → 0 poin … 24 jam → 20 poin" in html
    assert "<td>15,00 / 20</td>" in html
    assert "<td>3 pembeli</td>" in html
    assert "<td>3,01 / 10</td>" in html
    assert '<tfoot><tr><th colspan="3" scope="row">Jumlah</th><td>−4</td></tr></tfoot>' in html
    assert '40,0 + 18,0 − 4 = <strong data-testid="detail-score">54,0</strong>' in html


def test_score_detail_of_an_earlier_week(client, scored):
    html = client.get("/toko/toko-a/skor/?minggu=2025-04-14").content.decode()

    assert '<strong data-testid="detail-score">58,4</strong>' in html
    assert "<td>24 jam</td>" in html


def test_score_detail_caps_the_deduction_at_fifteen(client, scored):
    heavy = [
        event(
            "product.violation",
            id="pv1",
            at="2025-04-15T10:00:00+07:00",
            violation="heavy",
            product="P1",
        ),
        event(
            "product.violation",
            id="pv2",
            at="2025-04-15T11:00:00+07:00",
            violation="medium",
            product="P2",
        ),
    ]
    assert events_ingest(items=enumerate(heavy)).ok
    results_recalculate(as_of=TODAY)

    html = client.get("/toko/toko-a/skor/").content.decode()

    # 4 + 15 + 5 = 24 points of penalties, 15 deducted: 58.01 − 15 = 43.0
    assert "24 poin dibatasi menjadi 15." in html
    assert '40,0 + 18,0 − 15 = <strong data-testid="detail-score">43,0</strong>' in html


def test_score_pages_in_english(client, scored):
    client.cookies["django_language"] = "en"
    html = client.get("/toko/toko-a/skor/").content.decode()

    assert "Calculation detail" in html
    assert "Chats answered within 24 hours" in html


@pytest.mark.parametrize(
    ("name", "budget"), [("dashboard", 9), ("penalties", 9), ("score_detail", 7)]
)
def test_score_pages_have_a_fixed_query_budget(
    client, scored, django_assert_num_queries, name, budget
):
    url = reverse(f"portal:{name}", args=["toko-a"])
    with django_assert_num_queries(budget):
        assert client.get(url).status_code == 200
    extra = [
        event("order.ignored", id=f"more{n}", at="2025-04-16T10:00:00+07:00", order=f"INV/M{n}")
        for n in range(30)
    ]
    assert events_ingest(items=enumerate(extra)).ok
    results_recalculate(as_of=TODAY)
    with django_assert_num_queries(budget):
        assert client.get(url).status_code == 200


def test_another_shops_score_pages_answer_404(client, scored, make_shop):
    make_shop("toko-b", "Toko B")

    for path in ("/toko/toko-b/", "/toko/toko-b/penalti/", "/toko/toko-b/skor/"):
        assert client.get(path).status_code == 404
