"""A patients file of many patients with explicit lesions (job and kill tests, benchmarks)."""

from __future__ import annotations

__all__ = ["patients_toml"]


def patients_toml(n: int, *, prefix: str = "K", width: int = 3) -> str:
    """``n`` patients with explicit lesions of every size, as a patients TOML file.

    Patient ``i`` is ``{prefix}{i:0{width}d}``, aged 45–84, left or right affected
    alternately; its lesion spreads the affected share over 0.05–0.95 and the
    corticospinal load over 0–0.8 (deterministic permutations of the index, so
    neighbouring patients differ).
    """
    rows = []
    for index in range(n):
        affected = round(0.05 + 0.9 * ((index * 37) % n) / n, 3)
        load = round(0.8 * ((index * 11) % n) / n, 3)
        side = "left" if index % 2 else "right"
        rows.append(
            f'[[patients]]\nid = "{prefix}{index:0{width}d}"\nage = {45 + index % 40}\n'
            f'affected_side = "{side}"\n'
            f"lesion = {{ affected = {affected}, cst_load = {load} }}\n"
        )
    return "\n".join(rows)
