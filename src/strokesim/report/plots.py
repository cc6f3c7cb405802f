"""Figures of a simulation result: recovery curves, clinical-scale panels, cortical activity.

Every function returns a :class:`matplotlib.figure.Figure` built without
``pyplot``, so no global figure state is created or leaked and the functions
are safe in servers and threads; figures are rendered by the Agg backend.
Colours follow the Okabe–Ito palette, which stays distinguishable under the
common forms of colour-vision deficiency.

With up to 12 patients each patient gets its own labelled line; larger cohorts
are drawn as thin grey lines under the cohort mean with its 95% confidence band.
An *ensemble* — several virtual patients sharing one description (the plausible
lesions of a patient given by clinical findings, or the demo's replicates of a
patient) — is drawn as its median with the 50% and 80% bands of its members,
which is the expected course and its uncertainty rather than one noisy
realisation. Every figure carries a caption under the plots saying what is shown,
how many virtual patients, and that the courses are simulated, not a prognosis
(:func:`strokesim.report._drawing.figure_caption` reads it back).
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from strokesim.errors import UserInputError
from strokesim.io.atomic import atomic_path
from strokesim.report._drawing import (
    MAX_LABELLED_PATIENTS,
    OKABE_ITO,
    add_caption,
    draw_ensemble,
    draw_groups,
    draw_patients,
    figure_legend,
    legend_title,
    new_figure,
    style_axes,
)
from strokesim.report.scales import SCALES, scale_for

__all__ = [
    "FIGURE_DPI",
    "PANEL_VARIABLES",
    "SIMULATED_NOTE",
    "cortical_activity",
    "figure_png",
    "patient_courses",
    "recovery_curves",
    "save_figure",
    "scale_panel",
]

#: Resolution of saved and embedded figures (dots per inch).
FIGURE_DPI = 120

#: Variables of :func:`scale_panel`, in panel order.
PANEL_VARIABLES: tuple[str, ...] = (
    "fma_ue",
    "arat",
    "safe",
    "grip_kg",
    "mas_elbow",
    "mep_amplitude_mv",
    "paretic_use_fraction",
    "paretic_dexterity",
    "nonparetic_dexterity",
)
_MAX_GROUPS = 12
#: Closes every figure caption.
SIMULATED_NOTE = (
    "Simulated by a model, not a prognosis for any real person; research software, "
    "not clinical advice."
)
_BAND_TEXT = "line: median; dark band: middle 50%; light band: 10–90% of the virtual patients"


def recovery_curves(
    ds: xr.Dataset,
    variable: str = "fma_ue",
    group: str | Sequence[object] | np.ndarray | None = None,
    *,
    band: str = "ci",
    caption: str | None = None,
) -> Figure:
    """Plot one variable over days: a line per patient, or a band per group.

    Parameters
    ----------
    ds
        Result dataset (``docs/dataset.md``).
    variable
        A (``patient``, ``day``) variable, e.g. ``"fma_ue"`` or ``"arat"``.
    group
        ``None`` for one line per patient; otherwise the name of a per-patient
        coordinate (e.g. ``"affected_side"``) or one label per patient; at most
        12 groups.
    band
        How a group is drawn: ``"ci"``, its mean with a 95% confidence band of the
        mean (t distribution) — for comparing groups; ``"spread"``, its median with
        the 50% and 80% bands of its members — for an ensemble of one description
        (e.g. ``group="source_patient"``), where the member whose id equals the
        group label, if any, is drawn as the representative course.
    caption
        Text under the figure; default: what is shown, n, and :data:`SIMULATED_NOTE`.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    strokesim.errors.UserInputError
        If ``variable`` is not a patient × day variable of ``ds`` or ``group`` is
        not usable.

    Examples
    --------
    >>> from strokesim.report._demo_data import synthetic_dataset
    >>> fig = recovery_curves(synthetic_dataset(), "arat", group="affected_side")
    >>> fig.axes[0].get_ylabel()
    'ARAT (points, 0–57)'
    """
    if band not in ("ci", "spread"):
        raise UserInputError("band", f"must be 'ci' or 'spread', got {band!r}")
    values = _patient_day_values(ds, variable)
    figure, (axes,) = new_figure((7.5, 4.5), 1, 1)
    days = ds["day"].values
    scale = scale_for(variable)
    n = ds.sizes["patient"]
    if group is None:
        handles = draw_patients(axes, days, values, ds["patient"].values)
        title, key = scale.title, legend_title(n)
        shown = f"{scale.title}: {_lines_text(n)}"
    else:
        labels, group_name = _group_labels(ds, group)
        sizes = ", ".join(f"{label} {np.sum(labels == label)}" for label in np.unique(labels))
        if band == "ci":
            handles = draw_groups(axes, days, values, labels)
            key = f"{group_name}\n(mean ± 95% CI)"
            shown = (
                f"{scale.title} by {group_name}: the mean of each group with the 95% "
                f"confidence band of the mean; virtual patients per group: {sizes}."
            )
        else:
            handles = _draw_spreads(axes, days, values, labels, ds["patient"].values)
            key = f"{group_name}\n(median, 50% and 80% bands)"
            shown = (
                f"{scale.title} by {group_name}: {_BAND_TEXT} of each group (virtual "
                f"patients per group: {sizes})"
            )
            if np.any(labels == ds["patient"].values.astype(str)):
                shown += "; a thin line with markers: the group's representative virtual "
                shown += "patient (a single realisation)"
            shown += "."
        title = f"{scale.title} by {group_name}"
    style_axes(axes, values, scale)
    axes.set_title(title, fontsize=12)
    axes.legend(
        handles=handles,
        title=key,
        fontsize=9,
        title_fontsize=9,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
    )
    add_caption(figure, caption or f"{shown} {_protocol_text(ds)} {SIMULATED_NOTE}")
    return figure


def patient_courses(
    ds: xr.Dataset,
    variable: str = "fma_ue",
    ensemble: str = "source_patient",
    *,
    titles: dict[str, str] | None = None,
    caption: str | None = None,
) -> Figure:
    """One panel per patient: the expected course of an ensemble and one realisation.

    Parameters
    ----------
    ds
        Result dataset in which several virtual patients share each description.
    variable
        A (``patient``, ``day``) variable, e.g. ``"fma_ue"``.
    ensemble
        Per-patient coordinate naming each virtual patient's description (its
        ensemble); the member whose id equals that name is the representative.
    titles
        Optional panel title per ensemble name (default: the name).
    caption
        Text under the figure; default: what is shown, n, and :data:`SIMULATED_NOTE`.

    Returns
    -------
    matplotlib.figure.Figure
        Per panel: the median (thick line), the 50% band (25–75%, dark) and the
        80% band (10–90%, light) of the ensemble, and the representative course
        (thin line with markers); y axes span the scale's full range.

    Raises
    ------
    strokesim.errors.UserInputError
        If ``variable`` or ``ensemble`` is not usable.

    Examples
    --------
    >>> from strokesim.report._demo_data import synthetic_dataset
    >>> ds = synthetic_dataset(n_patients=8)
    >>> ds = ds.assign_coords(source_patient=("patient", ["P001"] * 4 + ["P005"] * 4))
    >>> len(patient_courses(ds, "arat").axes)
    2
    """
    values = _patient_day_values(ds, variable)
    labels, _ = _group_labels(ds, ensemble)
    names = list(dict.fromkeys(labels))
    patients = ds["patient"].values.astype(str)
    n_columns = min(2, len(names))
    n_rows = math.ceil(len(names) / n_columns)
    figure, axes_list = new_figure((5.2 * n_columns + 0.4, 3.3 * n_rows + 0.9), n_rows, n_columns)
    days = ds["day"].values
    scale = scale_for(variable)
    handles: list[Line2D] = []
    for index, (axes, name) in enumerate(zip(axes_list, names, strict=False)):
        members = labels == name
        single = values[members & (patients == name)]
        color = OKABE_ITO[index % len(OKABE_ITO)]
        drawn = draw_ensemble(
            axes, days, values[members], color, single[0] if len(single) else None
        )
        style_axes(axes, values, scale)
        title = (titles or {}).get(name, name)
        axes.set_title(f"{title} (n = {int(members.sum())})", fontsize=10)
        if len(drawn) > len(handles):
            handles = drawn
    for unused in axes_list[len(names) :]:
        figure.delaxes(unused)
    figure.suptitle(scale.title, fontsize=13)
    key = [
        Line2D([], [], color="0.25", linewidth=2.2, label="median"),
        Patch(facecolor="0.45", alpha=0.5, label="middle 50%"),
        Patch(facecolor="0.75", alpha=0.5, label="10–90%"),
    ]
    if len(handles) > 1:
        key.append(
            Line2D(
                [],
                [],
                color="0.25",
                linewidth=0.9,
                marker="o",
                markersize=2.8,
                label="representative virtual patient",
            )
        )
    figure.legend(handles=key, loc="outside right upper", ncols=1, fontsize=9, frameon=False)
    sizes = sorted({int(np.sum(labels == name)) for name in names})
    n_text = f"n = {sizes[0]}" if len(sizes) == 1 else f"n = {sizes[0]}–{sizes[-1]}"
    shown = (
        f"{scale.title} over days since stroke onset. Each panel: {_BAND_TEXT} sharing "
        f"one description ({n_text} per panel)"
    )
    if len(handles) > 1:
        shown += "; thin line with markers: one of them, the representative course"
        shown += " (a single realisation)"
    shown += "."
    add_caption(figure, caption or f"{shown} {_protocol_text(ds)} {SIMULATED_NOTE}")
    return figure


def scale_panel(
    ds: xr.Dataset, ensemble: str | None = None, *, caption: str | None = None
) -> Figure:
    """Small multiples of the main clinical scales over days.

    Panels (those present in ``ds``): FMA-UE, ARAT, SAFE, grip strength, MAS
    elbow, MEP amplitude, paretic arm use and non-paretic dexterity. Each y-axis
    spans the scale's full range so that panels and runs compare at a glance.

    Parameters
    ----------
    ds
        Result dataset (``docs/dataset.md``).
    ensemble
        ``None``: a line per patient (a cohort band beyond 12 patients). Otherwise a
        per-patient coordinate grouping virtual patients that share a description:
        each group is drawn as its median with 50% and 80% bands, and its member
        whose id equals the group name as a thin line (see :func:`patient_courses`).
    caption
        Text under the figure; default: what is shown, n, and :data:`SIMULATED_NOTE`.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    strokesim.errors.UserInputError
        If ``ds`` has none of the panel variables.

    Examples
    --------
    >>> from strokesim.report._demo_data import synthetic_dataset
    >>> len(scale_panel(synthetic_dataset()).axes)
    8
    """
    present = [name for name in PANEL_VARIABLES if name in ds.data_vars]
    if not present:
        raise UserInputError("dataset", f"has none of the variables {', '.join(PANEL_VARIABLES)}")
    n_columns = min(4, len(present))
    n_rows = math.ceil(len(present) / n_columns)
    figure, axes_list = new_figure((3.6 * n_columns + 0.8, 2.9 * n_rows + 1.2), n_rows, n_columns)
    days = ds["day"].values
    handles: list[Line2D] = []
    labels = None if ensemble is None else _group_labels(ds, ensemble)[0]
    for axes, variable in zip(axes_list, present, strict=False):
        values = _patient_day_values(ds, variable)
        if labels is None:
            handles = draw_patients(axes, days, values, ds["patient"].values)
        else:
            handles = _draw_spreads(axes, days, values, labels, ds["patient"].values)
        style_axes(axes, values, SCALES[variable])
        axes.set_title(SCALES[variable].title, fontsize=10)
    for unused in axes_list[len(present) :]:
        figure.delaxes(unused)
    figure.suptitle("Clinical scales over time", fontsize=13)
    shown = _legend_and_description(figure, handles, ds, labels)
    add_caption(figure, caption or f"{shown} {_protocol_text(ds)} {SIMULATED_NOTE}")
    return figure


def cortical_activity(
    ds: xr.Dataset, ensemble: str | None = None, *, caption: str | None = None
) -> Figure:
    """Ipsilesional vs contralesional M1 activity and the laterality index over days.

    Parameters
    ----------
    ds
        Result dataset with ``cortical_activity`` and/or ``laterality_index``.
    ensemble
        As in :func:`scale_panel`: ``None`` for a line per patient, or a per-patient
        coordinate whose groups are drawn as medians with 50% and 80% bands.
    caption
        Text under the figure; default: what is shown, n, and :data:`SIMULATED_NOTE`.

    Returns
    -------
    matplotlib.figure.Figure
        Left: activity of each hemisphere during paretic-hand movement (solid:
        ipsilesional, dashed: contralesional). Right: laterality index
        (1 = normal, activity only in the lesioned hemisphere; below 0 = activity
        shifted to the contralesional hemisphere).

    Raises
    ------
    strokesim.errors.UserInputError
        If ``ds`` has neither variable.

    Examples
    --------
    >>> from strokesim.report._demo_data import synthetic_dataset
    >>> len(cortical_activity(synthetic_dataset()).axes)
    2
    """
    panels = [name for name in ("cortical_activity", "laterality_index") if name in ds.data_vars]
    if not panels:
        raise UserInputError("dataset", "has neither cortical_activity nor laterality_index")
    figure, axes_list = new_figure((5.6 * len(panels) + 0.6, 4.8), 1, len(panels))
    days = ds["day"].values
    patients = ds["patient"].values
    labels = None if ensemble is None else _group_labels(ds, ensemble)[0]

    def draw(axes: Axes, values: np.ndarray, style: str = "-") -> list[Line2D]:
        if labels is None:
            return draw_patients(axes, days, values, patients, linestyle=style)
        return _draw_spreads(axes, days, values, labels, patients, linestyle=style)

    handles: list[Line2D] = []
    for axes, variable in zip(axes_list, panels, strict=True):
        scale = SCALES[variable]
        if variable == "cortical_activity":
            activity = ds[variable].transpose("patient", "day", "hemisphere")
            for hemisphere, style in (("ipsilesional", "-"), ("contralesional", "--")):
                values = activity.sel(hemisphere=hemisphere).values.astype(float)
                handles = draw(axes, values, style)
            style_axes(axes, activity.values, scale)
            hemisphere_key = [
                Line2D([], [], color="0.3", linestyle="-", label="ipsilesional"),
                Line2D([], [], color="0.3", linestyle="--", label="contralesional"),
            ]
            axes.legend(handles=hemisphere_key, title="Hemisphere", fontsize=9, title_fontsize=9)
        else:
            values = _patient_day_values(ds, variable)
            handles = draw(axes, values)
            style_axes(axes, values, scale)
            axes.axhline(0.0, color="0.5", linewidth=0.8, linestyle=":")
        axes.set_title(scale.title, fontsize=11)
    figure.suptitle("Cortical activity during paretic-hand movement", fontsize=13)
    shown = _legend_and_description(figure, handles, ds, labels)
    shown = (
        "M1 activity (model units) of each hemisphere during paretic-hand movement "
        "(solid: ipsilesional, dashed: contralesional) and the laterality index. " + shown
    )
    add_caption(figure, caption or f"{shown} {_protocol_text(ds)} {SIMULATED_NOTE}")
    return figure


def figure_png(figure: Figure, dpi: int = FIGURE_DPI) -> bytes:
    """Render ``figure`` to PNG bytes (for embedding in a report).

    Parameters
    ----------
    figure
        The figure.
    dpi
        Resolution in dots per inch.

    Returns
    -------
    bytes
        The PNG file content.

    Examples
    --------
    >>> from strokesim.report._demo_data import synthetic_dataset
    >>> figure_png(recovery_curves(synthetic_dataset()))[:4]
    b'\\x89PNG'
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def save_figure(figure: Figure, path: str | os.PathLike[str], field: str = "--out") -> Path:
    """Save ``figure`` as a PNG at 120 dpi, atomically.

    Parameters
    ----------
    figure
        The figure.
    path
        Output file (``.png``).
    field
        Name of the user-facing option that supplied ``path`` (used in messages).

    Returns
    -------
    pathlib.Path
        The written path.

    Raises
    ------
    strokesim.errors.UserInputError
        If the directory is missing or not writable; nothing is written then.

    Examples
    --------
    >>> import tempfile
    >>> from strokesim.report._demo_data import synthetic_dataset
    >>> out = Path(tempfile.mkdtemp()) / "fma.png"
    >>> save_figure(recovery_curves(synthetic_dataset()), out).stat().st_size > 0
    True
    """
    with atomic_path(path, field) as temporary:
        figure.savefig(temporary, format="png", dpi=FIGURE_DPI, facecolor="white")
    return Path(path)


def _count(n: int) -> str:
    return f"{n} virtual patient{'s' if n != 1 else ''}"


def _protocol_text(ds: xr.Dataset) -> str:
    protocol = ds.attrs.get("protocol")
    seed = ds.attrs.get("seed")
    parts = [
        f"Protocol: {protocol}" if protocol else "",
        f"seed {seed}" if seed is not None else "",
    ]
    text = ", ".join(part for part in parts if part)
    return f"{text}." if text else ""


def _lines_text(n: int) -> str:
    if n <= MAX_LABELLED_PATIENTS:
        each = "" if n == 1 else ", one line each"
        return (
            f"{_count(n)}{each}: a single simulated course (one lesion, one draw of motor "
            "and rater noise), not an expected course."
        )
    return (
        f"{_count(n)}: thin grey lines, one simulated course each; blue: the cohort mean "
        "with its 95% confidence band."
    )


def _ensemble_text(labels: np.ndarray, patients: np.ndarray) -> str:
    names = list(dict.fromkeys(labels))
    sizes = sorted({int(np.sum(labels == name)) for name in names})
    n_text = f"{sizes[0]}" if len(sizes) == 1 else f"{sizes[0]}–{sizes[-1]}"
    text = (
        f"Each colour: {n_text} virtual patients sharing one description ({len(names)} "
        f"descriptions); {_BAND_TEXT}"
    )
    if np.any(labels == np.asarray(patients).astype(str)):
        text += "; thin line with markers: the representative course (a single realisation)"
    return text + "."


def _draw_spreads(
    axes: Axes,
    days: np.ndarray,
    values: np.ndarray,
    labels: np.ndarray,
    patients: np.ndarray,
    linestyle: str = "-",
) -> list[Line2D]:
    """Median with 50% and 80% bands per group, in order of first appearance."""
    handles = []
    ids = np.asarray(patients).astype(str)
    for index, name in enumerate(dict.fromkeys(labels)):
        members = labels == name
        single = values[members & (ids == name)]
        color = OKABE_ITO[index % len(OKABE_ITO)]
        drawn = draw_ensemble(
            axes, days, values[members], color, single[0] if len(single) else None, linestyle
        )
        drawn[0].set_label(f"{name} (n = {int(members.sum())})")
        handles.append(drawn[0])
    return handles


def _legend_and_description(
    figure: Figure, handles: list[Line2D], ds: xr.Dataset, labels: np.ndarray | None
) -> str:
    """Draw the figure's legend and return the caption's description of what is shown."""
    if labels is None:
        figure_legend(figure, handles, ds.sizes["patient"])
        return _lines_text(ds.sizes["patient"])
    _ensemble_legend(figure, handles)
    return _ensemble_text(labels, ds["patient"].values)


def _ensemble_legend(figure: Figure, handles: list[Line2D]) -> None:
    figure.legend(
        handles=handles,
        title="Patient description\n(median; 50% and 80% bands)",
        loc="outside right upper",
        ncols=1,
        fontsize=9,
        title_fontsize=9,
        frameon=False,
    )


def _patient_day_values(ds: xr.Dataset, variable: str) -> np.ndarray:
    if variable not in ds.data_vars or set(ds[variable].dims) != {"patient", "day"}:
        options = ", ".join(
            str(name) for name, var in ds.data_vars.items() if set(var.dims) == {"patient", "day"}
        )
        raise UserInputError(
            "variable", f"must be a patient × day variable ({options}), got {variable!r}"
        )
    return ds[variable].transpose("patient", "day").values.astype(float)


def _group_labels(
    ds: xr.Dataset, group: str | Sequence[object] | np.ndarray
) -> tuple[np.ndarray, str]:
    """Group label of each patient (as str) and a readable name of the grouping."""
    if isinstance(group, str):
        per_patient = [
            str(name)
            for name, coord in ds.coords.items()
            if coord.dims == ("patient",) and name != "patient"
        ]
        if group not in per_patient:
            raise UserInputError(
                "group",
                f"must be a per-patient coordinate ({', '.join(per_patient)}), got {group!r}",
            )
        labels, name = np.asarray(ds[group].values), group.replace("_", " ")
    else:
        labels, name = np.asarray(group), "group"
        n_patients = ds.sizes["patient"]
        if labels.shape != (n_patients,):
            raise UserInputError(
                "group", f"needs one label per patient ({n_patients}), got shape {labels.shape}"
            )
    labels = labels.astype(str)
    n_groups = len(np.unique(labels))
    if n_groups > _MAX_GROUPS:
        raise UserInputError(
            "group",
            f"has {n_groups} distinct values (at most {_MAX_GROUPS}); bin it into strata first",
        )
    return labels, name
