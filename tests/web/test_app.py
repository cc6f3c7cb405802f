"""The page's routes: malformed input is a message on the page and a 4xx, never a 500."""

from __future__ import annotations

import html
import re
import threading
import time

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")
from fastapi.testclient import TestClient

from strokesim.web.app import create_app

from .conftest import TINY

FORM = {
    "age": "67",
    "affected_side": "left",
    "stroke_date": "2026-03-02",
    "obs_date": ["2026-03-05", "2026-03-05", "2026-03-05", "2026-03-09"],
    "obs_day": ["", "", "", ""],
    "obs_measure": ["fma_ue", "safe", "mep", "fma_ue"],
    "obs_value": ["21", "5", "present", "28"],
}


class Gate:
    """A stand-in job that waits until released (to test a busy session and the queue)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def __call__(self, record, settings, bars):
        self.calls += 1
        with bars("simulating library", "calibrating") as progress:
            progress(1, 2)
            assert self.release.wait(10)
            progress(2, 2)
        return {"record": record, "settings": settings}


@pytest.fixture
def gate() -> Gate:
    return Gate()


@pytest.fixture
def client(gate: Gate):
    with TestClient(create_app(TINY, compute=gate)) as c:
        yield c
    gate.release.set()


def _errors(text: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'class="field-error"[^>]*>([^<]*)<', text)]


def _ok(response, status: int) -> str:
    assert response.status_code == status, response.text[:500]
    text = response.text
    assert "Traceback" not in text and 'File "' not in text
    assert "not clinical advice" in text
    return text


def test_the_form_page_has_the_fields_and_the_statement(client: TestClient) -> None:
    r = client.get("/")
    text = _ok(r, 200)
    for name in ("age", "affected_side", "stroke_date", "obs_date", "obs_measure", "record_csv"):
        assert f'name="{name}"' in text
    assert r.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in r.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"obs_value": ["70", "5", "present", "28"]},
            "fma_ue must be an integer in 0–66, got '70'",
        ),
        ({"obs_value": ["21", "11", "present", "28"]}, "safe must be an integer in 0–10, got '11'"),
        (
            {"obs_date": ["2026-02-20", "2026-03-05", "2026-03-05", "2026-03-09"]},
            "a visit before the stroke (2026-02-20 < stroke date 2026-03-02)",
        ),
        ({"stroke_date": "2999-01-01"}, "is in the future (2999-01-01 > today"),
        ({"age": ""}, "missing (the age at stroke, years)"),
        ({"affected_side": ""}, "missing (left or right)"),
        ({"obs_value": ["", "", "", ""]}, "missing"),
        ({"horizon": "abc"}, "must be an integer, got 'abc'"),
    ],
)
def test_malformed_form_is_a_message_beside_the_field_and_422(
    client: TestClient, gate: Gate, change, message
) -> None:
    text = _ok(client.post("/predict", data={**FORM, **change}), 422)
    assert any(m.startswith(message) for m in _errors(text)), _errors(text)
    assert gate.calls == 0


def test_missing_fields_altogether(client: TestClient) -> None:
    text = _ok(client.post("/predict", data={}), 422)
    assert "has no observations" in text or "missing" in text


def test_a_10_mb_upload_is_413(client: TestClient) -> None:
    big = b"patient,date,day,measure,value\n" + b"P1,,3,fma_ue,21\n" * 700_000
    assert len(big) > 10_000_000
    r = client.post("/predict", files={"record_csv": ("big.csv", big, "text/csv")})
    assert "capped at 1 MB" in _ok(r, 413)


def test_a_non_csv_upload_is_415(client: TestClient) -> None:
    r = client.post(
        "/predict", files={"record_csv": ("scan.png", b"\x89PNG\r\n\x1a\n", "image/png")}
    )
    assert "must be a .csv patient record" in _ok(r, 415)
    r = client.post("/predict", files={"record_csv": ("r.csv", b"\x89PNG\r\n\x1a\n", "text/csv")})
    assert "PNG image" in _ok(r, 415)


def test_a_bad_csv_is_422_with_the_cli_message(client: TestClient) -> None:
    csv = b"patient,date,day,measure,value\nS1,,,age,67\nS1,,,affected_side,left\nS1,,3,safe,11\n"
    r = client.post("/predict", files={"record_csv": ("r.csv", csv, "text/csv")})
    assert "line 4.value: safe must be an integer in 0–10, got &#39;11&#39;" in _ok(r, 422)


def test_unknown_job_and_download_are_404_pages(client: TestClient) -> None:
    assert "no such calculation" in _ok(client.get("/jobs/nope"), 404)
    assert "no such calculation" in _ok(client.get("/jobs/nope/draws.nc"), 404)


def _wait(client: TestClient, url: str, state: str = "done") -> dict:
    for _ in range(200):
        s = client.get(url + "/status").json()
        if s["state"] == state:
            return s
        time.sleep(0.05)
    raise AssertionError(f"job never reached {state}: {s}")


def test_a_second_request_while_a_job_runs_is_409_and_others_queue(
    client: TestClient, gate: Gate
) -> None:
    r = client.post("/predict", data=FORM, follow_redirects=False)
    assert r.status_code == 303
    url = r.headers["location"]
    _wait(client, url, "running")
    assert "Calibrating" in _ok(client.get(url), 200)  # the progress page
    other = {**FORM, "age": "70"}
    text = _ok(client.post("/predict", data=other, follow_redirects=False), 409)
    assert "still running" in text and url in text
    # the same record again joins the running job instead of starting another
    again = client.post("/predict", data=FORM, follow_redirects=False)
    assert again.headers["location"] == url
    # another browser session is queued behind it
    second = TestClient(client.app)  # no cookie: another session
    r2 = second.post("/predict", data=other, follow_redirects=False)
    assert r2.status_code == 303
    status = second.get(r2.headers["location"] + "/status").json()
    assert status["state"] == "queued" and status["position"] == 0
    gate.release.set()
    _wait(second, r2.headers["location"])
    assert gate.calls == 2
    assert client.get(url + "/status").json()["percent"] == 100


def test_a_finished_result_is_cached_by_record_and_seed(client: TestClient, gate: Gate) -> None:
    gate.release.set()
    url = client.post("/predict", data=FORM, follow_redirects=False).headers["location"]
    _wait(client, url)
    assert client.post("/predict", data=FORM, follow_redirects=False).headers["location"] == url
    other_seed = client.post("/predict", data={**FORM, "seed": "4"}, follow_redirects=False)
    assert other_seed.headers["location"] != url
    _wait(client, other_seed.headers["location"])
    assert gate.calls == 2 and client.app.state.queue.hits == 1
