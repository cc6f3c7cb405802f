"""The page's numbers are the CLI's for the same record, seed and settings.

The fast test runs both on the closed-form stand-in engine (the same code path
above the engine), with the server's defaults and with plan options chosen on
the form; the slow one on the model itself.
"""

from __future__ import annotations

import html
import io
import logging
import re
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from strokesim.cli import app as cli
from strokesim.predict.pipeline import DISCLAIMER, Settings
from strokesim.web.app import create_app

from .conftest import TINY

RECORD = (
    "patient,date,day,measure,value\n"
    "PTX42,,,age,67\nPTX42,,,affected_side,left\nPTX42,,,stroke_date,2026-03-02\n"
    "PTX42,2026-03-05,,fma_ue,21\nPTX42,2026-03-05,,safe,5\nPTX42,2026-03-05,,mep,present\n"
    "PTX42,2026-03-05,,nihss,7\nPTX42,2026-03-09,,fma_ue,28\n"
)


def _cli(tmp_path: Path, settings: Settings) -> Path:
    record = tmp_path / "record.csv"
    record.write_text(RECORD, encoding="utf-8")
    out = tmp_path / "out"
    args = [
        "plan",
        str(record),
        "--protocols",
        ",".join(settings.protocols or ()),
        "--horizon",
        str(settings.horizon),
        "--library",
        str(settings.library),
        "--method",
        settings.method,
        "--draws",
        str(settings.n_draws),
        "--seed",
        str(settings.seed),
        "--out",
        str(out),
    ]
    if settings.start_day:
        args += ["--start-day", ",".join(str(d) for d in settings.start_day)]
    if settings.minutes_per_session:
        args += ["--minutes-per-session", ",".join(f"{m:g}" for m in settings.minutes_per_session)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return out / "PTX42"


def _page(settings: Settings, options: Settings | None = None) -> tuple[str, dict[str, bytes]]:
    """The page served with ``settings``; with ``options``, their protocols, start days and
    minutes are chosen on the form (the server's defaults otherwise)."""
    fields: dict[str, object] = {}
    if options is not None:
        fields = {
            "plan_options": "1",
            "protocols": list(options.protocols or ()),
            "start_day": ",".join(str(d) for d in options.start_day),
            "minutes_per_session": ",".join(f"{m:g}" for m in options.minutes_per_session),
        }
    with TestClient(create_app(settings)) as c:
        r = c.post(
            "/predict",
            data=fields,
            files={"record_csv": ("record.csv", RECORD.encode(), "text/csv")},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text[:300]
        url = r.headers["location"]
        for _ in range(6000):
            state = c.get(url + "/status").json()["state"]
            if state in ("done", "failed"):
                break
            time.sleep(0.1)
        page = c.get(url)
        assert page.status_code == 200, page.text[:300]
        names = ("report.html", "draws.parquet", "draws.nc")
        files = {n: c.get(f"{url}/{n}").content for n in names}
        return page.text, files


def _value(text: str, pattern: str) -> float:
    match = re.search(pattern, text, re.S)
    assert match, pattern
    return float(match.group(1))


def _check_same(folder: Path, text: str, files: dict[str, bytes], horizon: int) -> None:
    # the downloads are the CLI's files, byte for byte
    assert files["report.html"] == (folder / "report.html").read_bytes()
    assert files["draws.parquet"] == (folder / "draws.parquet").read_bytes()
    # the NetCDF download holds the same particles, weights and trajectories
    draws = pd.read_parquet(folder / "draws.parquet")
    with xr.open_dataset(io.BytesIO(files["draws.nc"]), engine="h5netcdf") as nc:
        weights = draws.groupby("particle")["weight"].first().to_numpy()
        np.testing.assert_array_equal(nc["weight"].values, weights)
        fma = draws.pivot(index="particle", columns="day", values="fma_ue").to_numpy()
        np.testing.assert_array_equal(nc["fma_ue"].values, fma)
        assert nc.attrs["disclaimer"] == DISCLAIMER
    # the headline and the horizon table are prediction.csv's numbers
    bands = pd.read_csv(folder / "prediction.csv", comment="#")
    at_h = bands[bands["day"] == horizon].set_index("variable")
    assert _value(text, r'id="fma-median" data-value="([^"]+)"') == at_h.loc["fma_ue", "median"]
    assert _value(text, r'id="fma-interval" data-p10="([^"]+)"') == at_h.loc["fma_ue", "p10"]
    assert (
        _value(text, r'id="fma-interval" data-p10="[^"]+" data-p90="([^"]+)"')
        == (at_h.loc["fma_ue", "p90"])
    )
    for variable, row in at_h.iterrows():
        shown = _value(
            text, rf'data-variable="{variable}"><td>[^<]*</td>\s*<td data-value="([^"]+)"'
        )
        assert shown == row["median"]
    # the ranking is plan.csv's, in its order
    plan = pd.read_csv(folder / "plan.csv", comment="#")
    order = re.findall(r'<tr data-protocol="([^"]+)">', text)
    assert order == list(plan["protocol"])
    for row in plan.itertuples():
        block = text[text.index(f'data-protocol="{row.protocol}"') :]
        assert _value(block, r'data-value="([^"]+)"') == row.expected_gain
        assert _value(block, r'data-value="[^"]+".*?data-value="([^"]+)"') == row.p_beats_usual_care
        assert html.escape(row.reason, quote=True) in block or row.reason in html.unescape(block)
    # the next assessment is next_assessment.csv's best row
    best = pd.read_csv(folder / "next_assessment.csv", comment="#").iloc[0]
    assert f"day {best.day}</p>" in text
    assert "not clinical advice" in text and DISCLAIMER.split(":")[0] in text


#: Plan options chosen on the form: three protocols (one of them among the server's two), a
#: start day for each (the record's last observation is day 7) and one dose for all.
KNOBS = replace(
    TINY,
    protocols=("bimanual_training", "cimt_2_weeks", "vr_training"),
    start_day=(10, 12, 20),
    minutes_per_session=(45.0,),
)


def test_page_numbers_equal_the_clis_on_the_stand_in_engine(
    tmp_path: Path, fake_engine, monkeypatch, caplog
) -> None:
    """Both with the server's defaults and with plan options chosen on the form."""
    (tmp_path / "plain").mkdir()
    folder = _cli(tmp_path / "plain", TINY)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    caplog.set_level(logging.DEBUG)
    text, files = _page(TINY)
    _check_same(folder, text, files, TINY.horizon)
    assert "the day after the last assessment (day 8)" in text and "each protocol&#39;s own" in text
    # the options chosen on the form are the CLI's --protocols, --start-day, --minutes-per-session
    (tmp_path / "knobs").mkdir()
    knobs = _cli(tmp_path / "knobs", KNOBS)
    text, files = _page(TINY, KNOBS)
    _check_same(knobs, text, files, KNOBS.horizon)
    # the result page says which options were used, per protocol as simulated
    assert set(re.findall(r'<tr data-protocol="([^"]+)">', text)) == set(KNOBS.protocols)
    for name, day in zip(KNOBS.protocols, KNOBS.start_day, strict=True):
        row = re.search(rf'data-protocol="{name}">.*?</tr>', text, re.S).group(0)
        assert f'<td class="start-day">{day}</td>' in row
        assert '<td class="minutes">45</td>' in row
    assert "per protocol: days 10, 12, 20" in text and "45 min" in text
    assert "--start-day 10,12,20 --minutes-per-session 45" in html.unescape(text)
    # the options changed the numbers (the stand-in's gain depends on start and dose), so a
    # page that dropped them would differ from the CLI above
    plain = pd.read_csv(folder / "plan.csv", comment="#").set_index("protocol")
    chosen = pd.read_csv(knobs / "plan.csv", comment="#").set_index("protocol")
    assert chosen.loc["cimt_2_weeks", "expected_gain"] != plain.loc["cimt_2_weeks", "expected_gain"]
    # privacy: no temporary file left or written, nothing about the patient logged
    assert list(scratch.iterdir()) == []
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "PTX42" not in logged and "2026-03" not in logged


@pytest.mark.slow
def test_page_numbers_equal_the_clis_on_the_model(tmp_path: Path) -> None:
    folder = _cli(tmp_path, TINY)
    text, files = _page(TINY)
    _check_same(folder, text, files, TINY.horizon)
