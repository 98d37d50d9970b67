"""Plotly figures (graph objects only), serialized for plotly.js in the browser."""

from __future__ import annotations

import hashlib
import json

import plotly.graph_objects as go
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _

from performance.models import ScoreSnapshot

BRAND = "#03ac0e"
THRESHOLD = "#b44d12"


def score_trend(trend: list[ScoreSnapshot], threshold: int | None) -> dict:
    """Weekly scores with the tier threshold as a dashed line (refreshes without a score,
    before the shop had any data, are left out).

    Building a figure with graph objects costs ~20 ms, so figures are cached by their inputs:
    the same scores, threshold and language give the same figure until a refresh changes them.
    """
    trend = [s for s in trend if s.score is not None]
    key = (
        "score-trend:"
        + hashlib.sha1(
            repr(
                ([(s.refreshed_on, s.score) for s in trend], threshold, translation.get_language())
            ).encode()
        ).hexdigest()
    )
    return cache.get_or_set(key, lambda: _score_trend(trend, threshold), timeout=7 * 24 * 3600)


def _score_trend(trend: list[ScoreSnapshot], threshold: int | None) -> dict:
    dates = [s.refreshed_on.isoformat() for s in trend]
    scores = [float(s.score) for s in trend]
    figure = go.Figure(
        go.Scatter(
            x=dates,
            y=scores,
            mode="lines+markers",
            name=_("Skor"),
            line={"color": BRAND, "width": 3},
            hovertemplate=_("Senin %{x|%d/%m/%Y}: skor %{y:.1f}") + "<extra></extra>",
        )
    )
    if threshold is not None and dates:
        figure.add_trace(
            go.Scatter(
                x=[dates[0], dates[-1]],
                y=[threshold, threshold],
                mode="lines",
                name=_("Batas minimum %(n)s") % {"n": threshold},
                line={"color": THRESHOLD, "dash": "dash", "width": 2},
                hoverinfo="skip",
            )
        )
    figure.update_layout(
        margin={"l": 40, "r": 10, "t": 10, "b": 40},
        height=300,
        yaxis={"range": [0, 100], "title": {"text": _("Skor")}, "fixedrange": True},
        xaxis={"type": "date", "tickformat": "%d/%m", "fixedrange": True},
        legend={"orientation": "h", "y": -0.2},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
    )
    return json.loads(figure.to_json())


STATUS_COLOURS = {
    "pass": "#0e7c3a",
    "fail": "#c81e1e",
    "no_messages": "#9aa5b1",
    "not_evaluated": "#9aa5b1",
}


def cs_weeks(weeks, pass_percent: int) -> dict:
    """On-time rate per evaluated week as bars, coloured by status, with the target line."""
    labels = [w.week_start.isoformat() for w in weeks]
    rates = [w.rate if w.rate is not None else 0 for w in weeks]
    figure = go.Figure(
        go.Bar(
            x=labels,
            y=rates,
            marker={"color": [STATUS_COLOURS[w.status] for w in weeks]},
            name=_("Dibalas ≤ 24 jam (%)"),
            customdata=[[w.get_status_display(), w.on_time, w.evaluated] for w in weeks],
            hovertemplate=_(
                "Minggu %{x|%d/%m}: %{y}% (%{customdata[1]}/%{customdata[2]}), %{customdata[0]}"
            )
            + "<extra></extra>",
        )
    )
    if labels:
        figure.add_trace(
            go.Scatter(
                x=[labels[0], labels[-1]],
                y=[pass_percent, pass_percent],
                mode="lines",
                name=_("Target %(n)s%%") % {"n": pass_percent},
                line={"color": THRESHOLD, "dash": "dash", "width": 2},
                hoverinfo="skip",
            )
        )
    figure.update_layout(
        margin={"l": 40, "r": 10, "t": 10, "b": 40},
        height=280,
        yaxis={"range": [0, 100], "title": {"text": "%"}, "fixedrange": True},
        xaxis={"type": "date", "tickformat": "%d/%m", "fixedrange": True},
        legend={"orientation": "h", "y": -0.25},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        bargap=0.3,
    )
    return json.loads(figure.to_json())
