"""Plotly figures (graph objects only), serialized for plotly.js in the browser."""

from __future__ import annotations

import json

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from performance.models import ScoreSnapshot

BRAND = "#03ac0e"
THRESHOLD = "#b44d12"


def score_trend(trend: list[ScoreSnapshot], threshold: int | None) -> dict:
    """Weekly scores with the tier threshold as a dashed line."""
    dates = [s.refreshed_on.isoformat() for s in trend]
    scores = [None if s.score is None else float(s.score) for s in trend]
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
