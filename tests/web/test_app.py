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
        # the plan's options (last assessment day 7, horizon 30)
        ({"plan_options": "1"}, "name at least one protocol"),  # every box unchecked
        ({"start_day": "soon"}, "must be integers (days since stroke), got 'soon'"),
        ({"start_day": "7"}, "must be an integer in 8–29 (after patient's last observation"),
        ({"minutes_per_session": "600"}, "must be a number in 1–480, got 600"),
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


def test_the_plan_options_are_labelled_and_default_to_the_servers(client: TestClient) -> None:
    text = _ok(client.get("/"), 200)
    assert "Options for the plan" in text and 'name="plan_options"' in text
    boxes = re.findall(
        r'<label[^>]*><input type="checkbox" name="protocols" value="([^"]+)"( checked)?>', text
    )
    assert [n for n, c in boxes if c] == list(TINY.protocols)  # the server's, checked
    assert len(boxes) > len(TINY.protocols)  # and the library's others to choose from
    assert "usual_care" not in [n for n, _ in boxes]  # the reference, not a candidate
    # every input has a label (wrapped in it), the group a legend
    for name in ("start_day", "minutes_per_session"):
        assert re.search(rf'<label for="{name}">[^<]*<input name="{name}" id="{name}"', text)
    assert "<legend>Protocols to rank (at least one)</legend>" in text


def test_a_bad_option_keeps_what_was_typed_and_marks_the_field(client: TestClient, gate) -> None:
    form = {**FORM, "plan_options": "1", "protocols": ["vr_training"], "start_day": "3"}
    text = _ok(client.post("/predict", data=form), 422)
    assert re.search(r'id="plan-options" open', text)
    assert re.search(r'value="vr_training" checked', text)
    assert not re.search(rf'value="{TINY.protocols[0]}" checked', text)
    assert re.search(r'name="start_day" id="start_day"[^>]*value="3"[^>]*aria-invalid="true"', text)
    assert 'id="err-start_day"' in text
    assert "error: --start-day: must be an integer in 8–29" in html.unescape(text)
    assert gate.calls == 0


def test_the_options_reach_the_job(client: TestClient, gate: Gate) -> None:
    gate.release.set()
    form = {
        **FORM,
        "plan_options": "1",
        "protocols": ["vr_training", "cimt_2_weeks"],
        "start_day": "10,12",
        "minutes_per_session": "45",
    }
    url = client.post("/predict", data=form, follow_redirects=False).headers["location"]
    _wait(client, url)
    job = client.app.state.queue.get(url.rsplit("/", 1)[1])
    settings = job.result["settings"]
    assert settings.protocols == ("vr_training", "cimt_2_weeks")
    assert settings.start_day == (10, 12) and settings.minutes_per_session == (45.0,)
    # other options are another calculation, not the cached one
    other = client.post("/predict", data={**form, "start_day": "11"}, follow_redirects=False)
    assert other.headers["location"] != url


def test_an_upload_with_a_bad_start_day_is_422_beside_the_option(client: TestClient) -> None:
    csv = b"patient,date,day,measure,value\nS1,,,age,67\nS1,,,affected_side,left\nS1,,9,safe,5\n"
    r = client.post(
        "/predict",
        data={"start_day": "5"},
        files={"record_csv": ("r.csv", csv, "text/csv")},
    )
    assert "must be an integer in 10–29 (after S1&#39;s last observation" in _ok(r, 422)
    assert 'id="err-start_day"' in r.text
