"""In-silico trials: specs, screening, randomisation, twin-pool emulation, statistics, power.

- :mod:`~strokesim.trial.spec`: ``TrialSpec`` from TOML (pydantic), one-line errors;
- :mod:`~strokesim.trial.screening`: inclusion/exclusion with reasons;
- :mod:`~strokesim.trial.randomisation`: simple, permuted-block, stratified allocation;
- :mod:`~strokesim.trial.emulation`: one simulation of the twin pool; twin effects;
  parallel-group draws (re-allocations of the twins);
- :mod:`~strokesim.trial.analysis`: ANCOVA, responders, MixedLM, subgroups (statsmodels);
- :mod:`~strokesim.trial.power`: power curve and the n for a target power;
- :mod:`~strokesim.trial.report`: the trial's HTML report and the power figure.
"""

from strokesim.trial.emulation import TwinPool, draw_trial, simulate_pool, twin_effects
from strokesim.trial.spec import TrialSpec, load_trial, parse_trial

__all__ = [
    "TrialSpec",
    "TwinPool",
    "draw_trial",
    "load_trial",
    "parse_trial",
    "simulate_pool",
    "twin_effects",
]
