"""calibration/spread_report.py: the command line refuses bad input before anything runs."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def report(load_script):
    return load_script("spread_report")


def test_targets_are_the_ones_that_read_the_natural_history(report) -> None:
    assert report.TARGETS.split(",") == ["V1", "V2", "V3", "V4", "V10"]


@pytest.mark.parametrize("argv", [["--n", "0"], ["--n", "8", "--seed", "-1"]])
def test_bad_size_or_seed_exits_2_with_one_line(report, capsys, argv) -> None:
    assert report.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and ("--n" in err[0] or "--seed" in err[0])
