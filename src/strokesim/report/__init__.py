"""Figures (matplotlib, no pyplot state) and self-contained HTML reports of simulation results."""

from __future__ import annotations

from strokesim.report.html import (
    DISCLAIMER,
    Section,
    patient_summary,
    render_html_report,
    write_html_report,
)
from strokesim.report.plots import (
    FIGURE_DPI,
    PANEL_VARIABLES,
    cortical_activity,
    figure_png,
    patient_courses,
    recovery_curves,
    save_figure,
    scale_panel,
)
from strokesim.report.scales import SCALES, Scale, scale_for

__all__ = [
    "DISCLAIMER",
    "FIGURE_DPI",
    "PANEL_VARIABLES",
    "SCALES",
    "Scale",
    "Section",
    "cortical_activity",
    "figure_png",
    "patient_courses",
    "patient_summary",
    "recovery_curves",
    "render_html_report",
    "save_figure",
    "scale_for",
    "scale_panel",
    "write_html_report",
]
