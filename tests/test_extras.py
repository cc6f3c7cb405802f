"""Optional dependencies: pyproject extras, and a one-line hint when one is missing."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).parents[1] / "pyproject.toml"


def _extras() -> dict[str, list[str]]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["optional-dependencies"]


def test_all_pulls_every_feature_extra() -> None:
    extras = _extras()
    assert {"dask", "sensitivity", "all", "dev"} <= set(extras)
    pulled = set()
    for requirement in extras["all"]:
        match = re.fullmatch(r"strokesim\[([a-z0-9_,\-]+)\]", requirement)
        assert match, requirement
        pulled |= set(match.group(1).split(","))
    assert pulled == set(extras) - {"all", "dev"}


def test_dev_installs_what_the_tests_import() -> None:
    dev = _extras()["dev"]
    # the tests exercise the sensitivity analysis (SALib) and the web page
    pulled = {e for r in dev if r.startswith("strokesim[") for e in r[10:-1].split(",")}
    assert {"sensitivity", "web"} <= pulled or any(r.lower().startswith("salib") for r in dev)


def test_hints_name_their_extra() -> None:
    from strokesim.jobs.executors import DASK_HINT
    from strokesim.sweep.optional import SALIB_HINT

    extras = set(_extras())
    for hint in (DASK_HINT, SALIB_HINT):
        assert "\n" not in hint
        name = re.search(r"strokesim\[(\w+)\]", hint).group(1)
        assert name in extras
