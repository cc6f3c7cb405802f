"""Report figures render on a synthetic dataset, with readable, labelled axes."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pytest
import xarray as xr
from matplotlib.figure import Figure

from strokesim.errors import UserInputError
from strokesim.report import (
    PANEL_VARIABLES,
    SCALES,
    cortical_activity,
    figure_png,
    patient_courses,
    recovery_curves,
    save_figure,
    scale_panel,
)
from strokesim.report._demo_data import synthetic_dataset


@pytest.fixture(scope="module")
def dataset() -> xr.Dataset:
    return synthetic_dataset(n_patients=4, seed=1)


def _render(figure: Figure) -> bytes:
    png = figure_png(figure)
    assert png.startswith(b"\x89PNG")
    return png


def _smallest_font(figure: Figure) -> float:
    figure.canvas.draw()
    sizes = [
        text.get_fontsize() for text in figure.findobj(matplotlib.text.Text) if text.get_text()
    ]
    return min(sizes)


def test_synthetic_dataset_follows_the_contract(dataset: xr.Dataset) -> None:
    assert dict(dataset.sizes) == {
        "patient": 4,
        "day": 8,
        "fma_item": 33,
        "arat_item": 19,
        "muscle": 10,
        "hemisphere": 2,
    }
    assert int(dataset.fma_ue.min()) >= 0 and int(dataset.fma_ue.max()) <= 66
    np.testing.assert_array_equal(dataset.fma_ue, dataset.fma_items.sum("fma_item"))
    assert (
        float(dataset.laterality_index.min()) >= -1 and float(dataset.laterality_index.max()) <= 1
    )
    assert set(np.unique(dataset.mas_elbow.values)) <= {0, 1, 1.5, 2, 3, 4}
    no_mep = ~dataset.mep_present
    assert bool(np.isnan(dataset.rmt_percent.where(no_mep, np.nan)).all())


def test_recovery_curves_one_line_per_patient(dataset: xr.Dataset) -> None:
    figure = recovery_curves(dataset)
    (axes,) = figure.axes
    assert len(axes.get_lines()) == 4
    assert axes.get_xlabel() == "Days since stroke onset"
    assert axes.get_ylabel() == SCALES["fma_ue"].axis_label
    low, high = axes.get_ylim()
    assert low <= 0 and 66 <= high < 70
    assert [text.get_text() for text in axes.get_legend().get_texts()] == list(
        dataset.patient.values
    )
    assert _smallest_font(figure) >= 9
    _render(figure)


@pytest.mark.parametrize("group", ["affected_side", ["a", "b", "a", "b"]])
def test_recovery_curves_by_group(dataset: xr.Dataset, group: str | list[str]) -> None:
    figure = recovery_curves(dataset, "arat", group=group)
    (axes,) = figure.axes
    n_groups = len(set(dataset.affected_side.values)) if isinstance(group, str) else 2
    assert len(axes.get_lines()) == n_groups
    assert len(axes.collections) == n_groups  # one confidence band per group
    assert "95% CI" in axes.get_legend().get_title().get_text()
    _render(figure)


def test_recovery_curves_user_errors(dataset: xr.Dataset) -> None:
    with pytest.raises(UserInputError) as caught:
        recovery_curves(dataset, "fma_items")
    assert caught.value.field == "variable"
    with pytest.raises(UserInputError, match="per-patient coordinate") as caught:
        recovery_curves(dataset, group="weight")
    assert caught.value.field == "group"
    with pytest.raises(UserInputError, match="one label per patient"):
        recovery_curves(dataset, group=["a", "b"])
    with pytest.raises(UserInputError, match="bin it"):
        recovery_curves(synthetic_dataset(n_patients=20), group="age")


def test_scale_panel_has_fixed_scale_ranges(dataset: xr.Dataset) -> None:
    figure = scale_panel(dataset)
    assert len(figure.axes) == len(PANEL_VARIABLES)
    for axes, variable in zip(figure.axes, PANEL_VARIABLES, strict=True):
        scale = SCALES[variable]
        low, high = axes.get_ylim()
        assert low <= scale.low
        if scale.high is not None:
            assert scale.high <= high <= scale.high * 1.05 + 0.01
        assert axes.get_ylabel() and axes.get_title()
    (legend,) = figure.legends
    assert {text.get_text() for text in legend.get_texts()} == set(dataset.patient.values)
    assert _smallest_font(figure) >= 9
    _render(figure)


def test_scale_panel_uses_available_variables(dataset: xr.Dataset) -> None:
    figure = scale_panel(dataset[["fma_ue", "grip_kg"]])
    assert len(figure.axes) == 2
    with pytest.raises(UserInputError, match="none of the variables"):
        scale_panel(dataset[["rmt_percent"]])


def test_cortical_activity(dataset: xr.Dataset) -> None:
    figure = cortical_activity(dataset)
    activity_axes, laterality_axes = figure.axes
    assert len(activity_axes.get_lines()) == 2 * 4  # ipsi + contra per patient
    assert laterality_axes.get_ylim()[0] <= -1 and laterality_axes.get_ylim()[1] >= 1
    assert _smallest_font(figure) >= 9
    _render(figure)
    with pytest.raises(UserInputError):
        cortical_activity(dataset[["fma_ue"]])


def test_large_cohort_is_summarised() -> None:
    figure = recovery_curves(synthetic_dataset(n_patients=30))
    labels = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert labels == ["cohort mean ± 95% CI (n = 30)"]
    _render(figure)


def test_save_figure_is_png_at_120_dpi(tmp_path: Path, dataset: xr.Dataset) -> None:
    out = save_figure(recovery_curves(dataset), tmp_path / "fma.png")
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG")
    width = int.from_bytes(data[16:20], "big")
    assert width == 7.5 * 120
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fma.png"]
    with pytest.raises(UserInputError):
        save_figure(recovery_curves(dataset), tmp_path / "missing" / "fma.png")


def test_no_pyplot_state_is_created(dataset: xr.Dataset) -> None:
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    scale_panel(dataset)
    cortical_activity(dataset)
    assert plt.get_fignums() == before


def _ensemble(n_per: int = 8) -> xr.Dataset:
    """Four descriptions of ``n_per`` virtual patients; the first of each is its representative."""
    ds = synthetic_dataset(n_patients=4 * n_per, seed=3)
    ids = ds.patient.values
    sources = np.repeat(ids[::n_per], n_per)
    return ds.assign_coords(source_patient=("patient", sources))


def test_draw_ensemble_bands_are_the_members_quantiles() -> None:
    from strokesim.report._drawing import draw_ensemble, new_figure

    rng = np.random.default_rng(0)
    values = rng.normal(30.0, 5.0, (40, 6))
    days = np.arange(6) * 10
    _figure, (axes,) = new_figure((5, 3), 1, 1)
    median, single = draw_ensemble(axes, days, values, "#0072B2", values[0])
    np.testing.assert_allclose(median.get_ydata(), np.median(values, axis=0))
    np.testing.assert_allclose(single.get_ydata(), values[0])
    outer, inner = axes.collections
    for band, (low, high) in ((outer, (10, 90)), (inner, (25, 75))):
        vertices = band.get_paths()[0].vertices[:, 1]
        assert vertices.min() == pytest.approx(np.percentile(values, low, axis=0).min())
        assert vertices.max() == pytest.approx(np.percentile(values, high, axis=0).max())


def test_patient_courses_one_panel_per_description_with_caption() -> None:
    from strokesim.report._drawing import figure_caption

    ds = _ensemble()
    figure = patient_courses(ds, "fma_ue")
    assert len(figure.axes) == 4
    for axes, name in zip(figure.axes, ds.patient.values[::8], strict=True):
        assert axes.get_title() == f"{name} (n = 8)"
        assert axes.get_ylabel() == SCALES["fma_ue"].axis_label
        assert axes.get_xlabel() == "Days since stroke onset"
        assert len(axes.collections) == 2  # 80% and 50% bands
        assert len(axes.get_lines()) == 2  # median and the representative
    caption = figure_caption(figure)
    assert "n = 8 per panel" in caption and "not a prognosis" in caption
    assert "representative" in caption and "10–90%" in caption
    assert _smallest_font(figure) >= 9
    _render(figure)


def test_every_figure_has_a_caption_saying_what_and_how_many(dataset: xr.Dataset) -> None:
    from strokesim.report._drawing import figure_caption
    from strokesim.report.plots import SIMULATED_NOTE

    ensemble = _ensemble()
    figures = {
        "lines": recovery_curves(dataset),
        "groups": recovery_curves(dataset, group="affected_side"),
        "spread": recovery_curves(ensemble, group="source_patient", band="spread"),
        "cohort": recovery_curves(synthetic_dataset(n_patients=30)),
        "panel": scale_panel(dataset),
        "panel ensemble": scale_panel(ensemble, "source_patient"),
        "cortex": cortical_activity(dataset),
        "cortex ensemble": cortical_activity(ensemble, "source_patient"),
    }
    sides, counts = np.unique(dataset.affected_side.values, return_counts=True)
    expected_n = {
        "lines": "4 virtual patients",
        "groups": ", ".join(f"{side} {count}" for side, count in zip(sides, counts, strict=True)),
        "cohort": "30 virtual patients",
        "panel": "4 virtual patients",
        "cortex": "4 virtual patients",
        "spread": "virtual patients per group: P001 8, P009 8, P017 8, P025 8",
    }
    for name, figure in figures.items():
        caption = figure_caption(figure)
        assert caption.endswith(SIMULATED_NOTE), name
        assert expected_n.get(name, "8 virtual patients") in caption, (name, caption)
        # the caption is drawn inside the PNG, below every axes
        figure.canvas.draw()
        box = next(t for t in figure.get_children() if t.get_gid() == "strokesim-caption")
        top = box.get_window_extent().y1
        assert all(top <= axes.get_tightbbox().y0 + 1 for axes in figure.axes), name
        for legend in figure.legends:
            assert top <= legend.get_window_extent().y0 + 1, name


def test_ensemble_spread_draws_median_bands_and_representative() -> None:
    ensemble = _ensemble()
    figure = recovery_curves(ensemble, "arat", group="source_patient", band="spread")
    (axes,) = figure.axes
    assert len(axes.collections) == 2 * 4
    assert len(axes.get_lines()) == 2 * 4
    assert "50% and 80%" in axes.get_legend().get_title().get_text()
    with pytest.raises(UserInputError, match="'ci' or 'spread'") as caught:
        recovery_curves(ensemble, band="sd")
    assert caught.value.field == "band"


def test_captions_name_a_representative_only_where_there_is_one() -> None:
    from strokesim.report._drawing import figure_caption

    ensemble = _ensemble()
    renamed = ensemble.assign_coords(
        source_patient=("patient", [f"{s}-described" for s in ensemble.source_patient.values])
    )
    for figure in (
        recovery_curves(renamed, group="source_patient", band="spread"),
        patient_courses(renamed, "arat"),
        scale_panel(renamed, "source_patient"),
    ):
        assert "representative" not in figure_caption(figure)
        assert all(len(axes.get_lines()) <= 8 for axes in figure.axes)
    assert "representative" in figure_caption(patient_courses(ensemble, "arat"))
    assert "1 virtual patient: a single" in figure_caption(
        recovery_curves(ensemble.isel(patient=[0]))
    )
