"""The command line every calibration study shares (``calibration/study_cli.py``)."""

from __future__ import annotations

import pytest

#: The scripts whose ``main`` is :func:`study_cli.study_main`.
STUDIES = ("contralesional_probe", "hand_set", "training_response")


@pytest.mark.parametrize("name", STUDIES)
def test_bad_cohort_size_exits_2_with_one_line_naming_the_field(name, load_script, capsys):
    assert load_script(name).main(["--n", "3"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert "--n" in err and "3" in err
