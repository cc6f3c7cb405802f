"""The command line: user errors are one line with exit code 2 and leave no files."""

from __future__ import annotations

import csv
import importlib
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from strokesim.cli import DISCLAIMER, app
from strokesim.io import read_results
from strokesim.model.parameters import REGISTRY
from strokesim.outputs import write_all
from strokesim.therapy import THERAPY_PARAMETERS, named_protocols

runner = CliRunner()

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# Explicit lesions (no lesion inference). Four patients and 60 days, like the demo
# test, so that every simulation of the test suite shares one compiled program.
FOUR_PATIENTS = "\n".join(
    f"""
[[patients]]
id = "P0{index}"
age = {50 + 8 * index}
affected_side = "{side}"
lesion = {{ affected = {affected}, cst_load = {load} }}
"""
    for index, (side, affected, load) in enumerate(
        [("left", 0.3, 0.1), ("right", 0.6, 0.3), ("left", 0.8, 0.2), ("right", 0.85, 0.85)],
        start=1,
    )
)
DAYS = 60

ONE_PATIENT = """
[patient]
id = "P01"
age = 60
affected_side = "left"

[patient.lesion]
affected = 0.3
cst_load = 0.1
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# --- user errors ----------------------------------------------------------------------

BAD_PATIENT_FILES = {
    "fma_ue_70": (
        ONE_PATIENT.replace(
            "[patient.lesion]\naffected = 0.3\ncst_load = 0.1",
            "[patient.clinical]\nfma_ue = 70",
        ),
        "patient.clinical.fma_ue",
    ),
    "unknown_side": (
        ONE_PATIENT.replace('"left"', '"middle"'),
        "patient.affected_side",
    ),
    "missing_age": (ONE_PATIENT.replace("age = 60\n", ""), "patient.age"),
    "nan": (ONE_PATIENT.replace("affected = 0.3", "affected = nan"), "patient.lesion.affected"),
    "toml_syntax": ("[patient\nid = 'x'\n", "patient.toml"),
    "no_table": ('title = "not a patient"\n', "patient.toml"),
}


@pytest.mark.parametrize("case", sorted(BAD_PATIENT_FILES))
def test_bad_patient_file_is_one_line_exit_2_no_output(tmp_path: Path, case: str) -> None:
    text, field = BAD_PATIENT_FILES[case]
    patients = write(tmp_path, "patient.toml", text)
    before = files_in(tmp_path)
    result = invoke("simulate", patients, "--days", 10, "--out", tmp_path / "run.nc")
    assert result.exit_code == 2, result.output
    # file-level problems (syntax, no table) are reported against the file itself
    assert_one_line_error(result.stderr, str(patients) if field == "patient.toml" else field)
    assert result.stdout == ""
    assert files_in(tmp_path) == before


BAD_OPTIONS = {
    "negative_days": (["--days", "-5"], "--days"),
    "zero_days": (["--days", "0"], "--days"),
    "too_many_days": (["--days", "99999"], "--days"),
    "negative_seed": (["--seed", "-1"], "--seed"),
    "unknown_protocol": (["--protocol", "acupuncture"], "protocol"),
    "missing_protocol_file": (["--protocol", "nowhere.toml"], "nowhere.toml"),
    "unknown_suffix": (["--out", "{tmp}/run.xlsx"], "--out"),
    "no_suffix": (["--out", "{tmp}/run"], "--out"),
    "missing_folder": (["--out", "{tmp}/no/such/folder/run.nc"], "--out"),
    "out_is_folder": (["--out", "{tmp}/a_folder.nc"], "--out"),
    "same_file_twice": (["--out", "{tmp}/run.nc", "--out", "{tmp}/./run.nc"], "--out"),
    "plot_not_png": (["--plot", "{tmp}/curves.jpg"], "--plot"),
    "plot_missing_folder": (["--plot", "{tmp}/no/curves.png"], "--plot"),
}


@pytest.mark.parametrize("case", sorted(BAD_OPTIONS))
def test_bad_option_is_one_line_exit_2_no_output(tmp_path: Path, case: str) -> None:
    args, field = BAD_OPTIONS[case]
    patients = write(tmp_path, "patient.toml", ONE_PATIENT)
    (tmp_path / "a_folder.nc").mkdir()
    before = files_in(tmp_path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    # a valid --out in every case, to check that nothing is written
    result = invoke("simulate", patients, "--days", 10, "--out", tmp_path / "ok.nc", *args)
    assert result.exit_code == 2, result.output
    assert_one_line_error(result.stderr, field)
    assert files_in(tmp_path) == before


def test_missing_patient_file(tmp_path: Path) -> None:
    result = invoke("simulate", tmp_path / "nobody.toml")
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, str(tmp_path / "nobody.toml"))


@pytest.mark.parametrize(
    "args",
    [["simulate", "x.toml", "--days", "abc"], ["simulate", "x.toml", "--bogus"], ["simulate"]],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_interrupt_exits_130_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (``import strokesim.simulate as m`` would give the function of that name)
    simulate_module = importlib.import_module("strokesim.simulate")

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(simulate_module, "simulate", interrupted)
    patients = write(tmp_path, "patient.toml", ONE_PATIENT)
    before = files_in(tmp_path)
    result = invoke("simulate", patients, "--out", tmp_path / "run.nc")
    assert result.exit_code == 130
    assert result.stderr.strip() == "interrupted; nothing written"
    assert files_in(tmp_path) == before


def test_write_all_removes_earlier_files_when_a_later_one_fails(tmp_path: Path) -> None:
    def interrupted(path: Path) -> None:
        raise KeyboardInterrupt

    plan = [(tmp_path / "a.txt", lambda p: p.write_text("a")), (tmp_path / "b.txt", interrupted)]
    with pytest.raises(KeyboardInterrupt):
        write_all(plan)
    assert files_in(tmp_path) == set()


def assert_one_line_error(stderr: str, field: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"error: {field}: "), lines[0]
    assert "Traceback" not in stderr


# --- simulate ---------------------------------------------------------------------------


def test_simulate_writes_results_that_read_back(tmp_path: Path) -> None:
    patients = write(tmp_path, "patients.toml", FOUR_PATIENTS)
    nc, parquet, png = tmp_path / "run.nc", tmp_path / "run.parquet", tmp_path / "curves.png"
    result = invoke(
        "simulate", patients, "--days", DAYS, "--seed", 3, "--protocol", "no_therapy",
        "--out", nc, "--out", parquet, "--plot", png, "--no-rater-noise",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for path in (nc, parquet, png):
        assert path.stat().st_size > 0
    ds = read_results(nc)
    assert list(ds["patient"].values) == ["P01", "P02", "P03", "P04"]
    assert int(ds["day"].values[-1]) == DAYS
    assert ds.attrs["seed"] == 3
    assert ds.attrs["protocol"] == "no_therapy"
    assert ds.attrs["rater_noise"] == 0
    tidy = read_results(parquet)
    assert (tidy["fma_ue"].values == ds["fma_ue"].values).all()
    for text in ("P01", "P04", "FMA-UE", "MEP", DISCLAIMER):
        assert text in result.stdout


def test_simulate_protocol_from_file(tmp_path: Path) -> None:
    patients = write(tmp_path, "patients.toml", FOUR_PATIENTS)
    protocol = EXAMPLES / "protocols" / "cimt_2_weeks.toml"
    result = invoke("simulate", patients, "--days", DAYS, "--protocol", protocol)
    assert result.exit_code == 0, result.output
    assert "cimt_2_weeks" in result.stdout
    assert DISCLAIMER in result.stdout


# --- params and protocols ------------------------------------------------------------


def test_params_lists_every_registry_parameter() -> None:
    result = invoke("params", "--group", "model", "--format", "csv")
    assert result.exit_code == 0, result.output
    names = [row["name"] for row in csv.DictReader(io.StringIO(result.stdout))]
    assert names == list(REGISTRY)


def test_params_table_and_markdown_name_every_parameter() -> None:
    for args in (["params"], ["params", "--format", "markdown"]):
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        assert all(name in result.stdout for name in REGISTRY), args


def test_params_therapy() -> None:
    result = invoke("params", "--therapy", "--format", "csv")
    assert result.exit_code == 0, result.output
    names = [row["name"] for row in csv.DictReader(io.StringIO(result.stdout))]
    assert names == list(THERAPY_PARAMETERS)


def test_protocols_lists_named_protocols() -> None:
    result = runner.invoke(app, ["protocols"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert all(name in result.stdout for name in named_protocols())


def test_protocols_describes_one() -> None:
    result = invoke("protocols", "cimt_2_weeks")
    assert result.exit_code == 0, result.output
    assert "cimt" in result.stdout and "task_training" in result.stdout


def test_protocols_unknown_name() -> None:
    result = invoke("protocols", "acupuncture")
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "protocol")


def test_demo_refuses_bad_options_before_simulating(tmp_path: Path) -> None:
    blocker = write(tmp_path, "a_file", "")
    for args, field in (
        (["--days", "2"], "--days"),
        (["--seed", "-3"], "--seed"),
        (["--out", blocker], "--out"),
    ):
        result = invoke("demo", "--out", tmp_path / "out", *args)
        assert result.exit_code == 2, result.output
        assert_one_line_error(result.stderr, field)
    assert files_in(tmp_path) == {"a_file"}


def test_demo_interrupted_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import strokesim.demo

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(strokesim.demo, "simulate", interrupted)
    result = invoke("demo", "--out", tmp_path / "new" / "demo")
    assert result.exit_code == 130
    assert result.stderr.strip() == "interrupted; nothing written"
    assert files_in(tmp_path) == set()


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--n", "3"], "--n"),
        (["--seed", "-1"], "--seed"),
        (["--markdown", "{tmp}/missing_file_not_dir/x.md"], "--markdown"),
        (["--figure", "{tmp}/missing_file_not_dir/x.png"], "--figure"),
        (["--only", "no such trial"], "--only"),
        (["--only", " , "], "--only"),
    ],
)
def test_external_trials_bad_option_is_one_line_exit_2(
    tmp_path: Path, args: list[str], field: str
) -> None:
    (tmp_path / "missing_file_not_dir").write_text("a file where a folder should be")
    before = files_in(tmp_path)
    result = invoke("external-trials", *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 2, result.output
    assert_one_line_error(result.stderr, field)
    assert files_in(tmp_path) == before
