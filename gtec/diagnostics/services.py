"""Freezing a diagnostic: the document and every figure and vintage it used, copied once."""

from __future__ import annotations

import hashlib

from django.db import transaction

from gtec.territories.models import Territory

from .models import Snapshot
from .report import build_report, render_html, render_pdf


def snapshot_create(*, territory: Territory, period: str | None, user=None, title: str = "") -> Snapshot:
    """Build the diagnostic now and store it with its headline figures, the import runs (ids, sources,
    versions) and the HTML and PDF documents. Later imports never touch it."""
    report = build_report(territory, period)
    html = render_html(report)
    pdf = render_pdf(report, html)
    with transaction.atomic():
        return Snapshot.objects.create(
            territory=territory,
            territory_name=territory.display_name,
            period=report.period or "",
            title=(title or f"Diagnostic {report.period or ''}").strip()[:200],
            created_by=user if user is not None and user.is_authenticated else None,
            figures=report.frozen_figures(),
            runs=report.runs,
            html=html,
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
            synthetic=report.synthetic,
        )
