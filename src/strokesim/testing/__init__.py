"""Helpers for testing strokesim and code built on it.

- :mod:`strokesim.testing.strategies`: hypothesis strategies for valid patient
  specifications, lesions, protocols and parameter vectors (needs the ``dev``
  extra, which brings hypothesis);
- :mod:`strokesim.testing.invariants`: checks that a simulation result obeys the
  contract of ``docs/dataset.md`` (score ranges, item sums, scale rules);
- :mod:`strokesim.testing.trial_pools`: synthetic twin pools with known effects for
  the trial statistics (no engine run);
- :mod:`strokesim.testing.patients_file`: a patients file of many patients with
  explicit lesions (job tests, the kill benchmark).
"""

__all__: list[str] = []
