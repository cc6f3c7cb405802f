"""The HTML report: self-contained, with disclaimer, figures and patient table."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import xarray as xr

from strokesim.errors import UserInputError
from strokesim.report import (
    DISCLAIMER,
    patient_summary,
    recovery_curves,
    render_html_report,
    write_html_report,
)
from strokesim.report._demo_data import synthetic_dataset


@pytest.fixture(scope="module")
def dataset() -> xr.Dataset:
    return synthetic_dataset(n_patients=4, seed=2)


@pytest.fixture(scope="module")
def page(dataset: xr.Dataset, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("report") / "report.html"
    write_html_report(dataset, out, title="Demo <run>", notes="Synthetic data & no model.")
    return out.read_text(encoding="utf-8")


def test_report_has_disclaimer_and_header(page: str, dataset: xr.Dataset) -> None:
    assert DISCLAIMER in page
    assert "<h1>Demo &lt;run&gt;</h1>" in page
    for key in ("strokesim_version", "config_hash", "protocol"):
        assert str(dataset.attrs[key]) in page
    assert "<th>Seed</th><td>2</td>" in page
    assert "Synthetic data &amp; no model." in page


def test_report_embeds_one_image_per_figure(page: str) -> None:
    images = re.findall(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+"', page)
    assert len(images) == page.count("<figure>") == 3
    assert "http://" not in page and "https://" not in page  # self-contained


def test_report_has_patient_table(page: str, dataset: xr.Dataset) -> None:
    for heading in ("Age (years)", "NIHSS", "CST lesion load", "FMA-UE day 3", "FMA-UE day 180"):
        assert f"<th>{heading}</th>" in page
    for patient in dataset.patient.values:
        assert f"<td>{patient}</td>" in page


def test_patient_summary_values(dataset: xr.Dataset) -> None:
    table = patient_summary(dataset)
    assert list(table.columns) == [
        "Patient",
        "Age (years)",
        "NIHSS",
        "CST lesion load",
        "FMA-UE day 3",
        "FMA-UE day 180",
        "ARAT day 180",
        "MEP day 3",
    ]
    assert table["FMA-UE day 180"].tolist() == [str(v) for v in dataset.fma_ue.sel(day=180).values]
    mep = table["MEP day 3"].tolist()
    present = dataset.mep_present.sel(day=3).values
    assert all(text.startswith("present") == flag for text, flag in zip(mep, present, strict=True))


def test_patient_summary_single_day() -> None:
    table = patient_summary(synthetic_dataset(n_patients=2, days=[30]))
    assert [c for c in table.columns if c.startswith("FMA-UE")] == ["FMA-UE day 30"]


def test_extra_sections_are_appended(dataset: xr.Dataset) -> None:
    sections = [
        ("Validation", "<p id='v'>all targets met</p>"),
        ("FMA-UE by side", recovery_curves(dataset, group="affected_side")),
        ("Targets", pd.DataFrame({"target": ["a<b"], "met": [True]})),
    ]
    page = render_html_report(dataset, title="Validation", sections=sections)
    assert "<h2>Validation</h2>" in page and "<p id='v'>all targets met</p>" in page
    assert page.count("<img ") == 4
    assert "<td>a&lt;b</td>" in page
    assert page.index("<h2>Validation</h2>") > page.index("<h2>Cortical activity</h2>")


def test_report_without_optional_variables() -> None:
    ds = synthetic_dataset(n_patients=2)[["fma_ue"]]
    page = render_html_report(ds, title="Minimal")
    assert page.count("<img ") == 2  # recovery curves + scale panel (FMA-UE only)
    assert DISCLAIMER in page


def test_unwritable_report_path(tmp_path: Path, dataset: xr.Dataset) -> None:
    with pytest.raises(UserInputError) as caught:
        write_html_report(dataset, tmp_path / "nope" / "r.html", title="x", field="--report")
    assert caught.value.field == "--report"
    assert list(tmp_path.iterdir()) == []


def test_public_names_are_exported() -> None:
    import strokesim.report

    for name in strokesim.report.__all__:
        assert hasattr(strokesim.report, name), name


def test_figure_captions_say_what_is_shown_and_that_it_is_simulated(page: str) -> None:
    from strokesim.report.plots import SIMULATED_NOTE

    captions = re.findall(r"<figcaption>(.*?)</figcaption>", page, flags=re.S)
    assert len(captions) == 3
    for caption in captions:
        assert SIMULATED_NOTE in caption
        assert "4 virtual patients" in caption


def test_figures_replace_the_standard_figures(dataset: xr.Dataset) -> None:
    from strokesim.report._drawing import add_caption

    figure = recovery_curves(dataset, "arat", caption="Only this <one>.")
    page = render_html_report(dataset, title="t", figures=[("ARAT", figure)])
    assert re.findall(r"<figcaption>(.*?)</figcaption>", page) == ["Only this &lt;one&gt;."]
    assert "<h2>ARAT</h2>" in page
    bare = recovery_curves(dataset)
    add_caption(bare, "Replaced.")
    assert "Replaced." in render_html_report(dataset, title="t", figures=[("x", bare)])
