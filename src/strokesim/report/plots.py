"""Figures of a simulation result: recovery curves, clinical-scale panels, cortical activity.

Every function returns a :class:`matplotlib.figure.Figure` built without
``pyplot``, so no global figure state is created or leaked and the functions
are safe in servers and threads; figures are rendered by the Agg backend.
Colours follow the Okabe–Ito palette, which stays distinguishable under the
common forms of colour-vision deficiency.

With up to 12 patients each patient gets its own labelled line; larger cohorts
are drawn as thin grey lines under the cohort mean with its 95% confidence band.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from strokesim.errors import UserInputError
from strokesim.io.atomic import atomic_path
from strokesim.report._drawing import (
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
    "cortical_activity",
    "figure_png",
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
    "nonparetic_dexterity",
)
_MAX_GROUPS = 12


def recovery_curves(
    ds: xr.Dataset,
    variable: str = "fma_ue",
    group: str | Sequence[object] | np.ndarray | None = None,
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
        coordinate (e.g. ``"affected_side"``) or one label per patient. Each
        group is drawn as its mean with a 95% confidence band of the mean
        (t distribution); at most 12 groups.

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
    values = _patient_day_values(ds, variable)
    figure, (axes,) = new_figure((7.5, 4.5), 1, 1)
    days = ds["day"].values
    scale = scale_for(variable)
    if group is None:
        handles = draw_patients(axes, days, values, ds["patient"].values)
        title, key = scale.title, legend_title(ds.sizes["patient"])
    else:
        labels, group_name = _group_labels(ds, group)
        handles = draw_groups(axes, days, values, labels)
        title, key = f"{scale.title} by {group_name}", f"{group_name}\n(mean ± 95% CI)"
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
    return figure


def scale_panel(ds: xr.Dataset) -> Figure:
    """Small multiples of the main clinical scales over days.

    Panels (those present in ``ds``): FMA-UE, ARAT, SAFE, grip strength, MAS
    elbow, MEP amplitude, paretic arm use and non-paretic dexterity. Each y-axis
    spans the scale's full range so that panels and runs compare at a glance.

    Parameters
    ----------
    ds
        Result dataset (``docs/dataset.md``).

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
    for axes, variable in zip(axes_list, present, strict=False):
        values = _patient_day_values(ds, variable)
        handles = draw_patients(axes, days, values, ds["patient"].values)
        style_axes(axes, values, SCALES[variable])
        axes.set_title(SCALES[variable].title, fontsize=10)
    for unused in axes_list[len(present) :]:
        figure.delaxes(unused)
    figure.suptitle("Clinical scales over time", fontsize=13)
    figure_legend(figure, handles, ds.sizes["patient"])
    return figure


def cortical_activity(ds: xr.Dataset) -> Figure:
    """Ipsilesional vs contralesional M1 activity and the laterality index over days.

    Parameters
    ----------
    ds
        Result dataset with ``cortical_activity`` and/or ``laterality_index``.

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
    handles: list[Line2D] = []
    for axes, variable in zip(axes_list, panels, strict=True):
        scale = SCALES[variable]
        if variable == "cortical_activity":
            activity = ds[variable].transpose("patient", "day", "hemisphere")
            for hemisphere, style in (("ipsilesional", "-"), ("contralesional", "--")):
                values = activity.sel(hemisphere=hemisphere).values.astype(float)
                handles = draw_patients(axes, days, values, patients, linestyle=style)
            style_axes(axes, activity.values, scale)
            hemisphere_key = [
                Line2D([], [], color="0.3", linestyle="-", label="ipsilesional"),
                Line2D([], [], color="0.3", linestyle="--", label="contralesional"),
            ]
            axes.legend(handles=hemisphere_key, title="Hemisphere", fontsize=9, title_fontsize=9)
        else:
            values = _patient_day_values(ds, variable)
            handles = draw_patients(axes, days, values, patients)
            style_axes(axes, values, scale)
            axes.axhline(0.0, color="0.5", linewidth=0.8, linestyle=":")
        axes.set_title(scale.title, fontsize=11)
    figure.suptitle("Cortical activity during paretic-hand movement", fontsize=13)
    figure_legend(figure, handles, ds.sizes["patient"])
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
