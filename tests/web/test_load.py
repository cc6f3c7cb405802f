"""A bounded load test on loopback: 50 concurrent form submissions, then each job's page.

The jobs' work is a stand-in (a few milliseconds): the test measures the page
itself (validation, queueing, rendering), not the calibration. It sends a fixed
number of requests to 127.0.0.1 only, with a timeout on each, and stops by
itself; it prints the p95 latencies and the process's memory after the run
(``pytest -s`` shows them; also written to ``out/web/load.txt``).
"""

from __future__ import annotations

import asyncio
import resource
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

import httpx

from strokesim.web.app import create_app

from .conftest import TINY
from .server import serving

N = 50
OUT = Path(__file__).resolve().parents[2] / "out" / "web"


def _quick(record, settings, bars):
    with bars("simulating library", "calibrating") as progress:
        time.sleep(0.002)
        progress(1, 1)
    return None


def _form(i: int) -> dict:
    return {
        "age": str(30 + i),
        "affected_side": "left" if i % 2 else "right",
        "obs_day": ["3", "7"],
        "obs_measure": ["fma_ue", "fma_ue"],
        "obs_value": [str(10 + i % 40), str(12 + i % 40)],
    }


async def _burst(base: str) -> tuple[list[float], list[str], list[float], list[int]]:
    limits = httpx.Limits(max_connections=N)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def submit(i: int):
            t = time.perf_counter()
            r = await client.post("/predict", data=_form(i), follow_redirects=False)
            return time.perf_counter() - t, r

        answers = await asyncio.gather(*(submit(i) for i in range(N)))
        posts = [a[0] for a in answers]
        statuses = [a[1].status_code for a in answers]
        urls = [a[1].headers.get("location", "") for a in answers]

        async def view(url: str):
            t = time.perf_counter()
            r = await client.get(url + "/status")
            return time.perf_counter() - t, r.status_code

        views = await asyncio.gather(*(view(u) for u in urls))
        return posts, urls, [v[0] for v in views], statuses + [v[1] for v in views]


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_fifty_concurrent_submissions_are_all_answered_and_none_lost() -> None:
    app = create_app(TINY, compute=_quick, max_pending=N, cache_size=N)
    with serving(app) as base:
        t0 = time.perf_counter()
        posts, urls, views, statuses = asyncio.run(_burst(base))
        wall = time.perf_counter() - t0
        queue = app.state.queue
        deadline = time.monotonic() + 30
        while queue.counts().get("done", 0) < N and time.monotonic() < deadline:
            time.sleep(0.05)
        counts = queue.counts()
    assert statuses[:N] == [303] * N and statuses[N:] == [200] * N
    assert len(set(urls)) == N  # 50 distinct records: 50 jobs, none merged or lost
    assert counts == {"done": N}
    p95_post, p95_view = np.percentile(posts, 95), np.percentile(views, 95)
    line = (
        f"{N} concurrent submissions on loopback: all answered (303), {counts['done']} jobs done; "
        f"p95 latency submit {1000 * p95_post:.0f} ms, status {1000 * p95_view:.0f} ms; "
        f"burst wall {wall:.2f} s; RSS after {_rss_mib():.0f} MiB"
    )
    print(line)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "load.txt").write_text(line + "\n", encoding="utf-8")
    assert p95_post < 10.0
