"""Planning a run as chunks of patients.

A chunk is a contiguous slice of the run's patients (positions ``start`` to
``stop - 1``). The plan depends only on the number of patients and the chunk
size, so a run planned twice with the same settings gets the same chunks: what
``--resume`` relies on.
"""

from __future__ import annotations

from dataclasses import dataclass

from strokesim.errors import UserInputError

__all__ = ["MAX_CHUNK_SIZE", "MAX_WORKERS", "Chunk", "check_chunk_size", "check_workers", "plan"]

#: Largest chunk (patients): one compiled batch of this many patients fits in a few GiB.
MAX_CHUNK_SIZE = 100_000
#: Most local worker processes.
MAX_WORKERS = 256


@dataclass(frozen=True)
class Chunk:
    """Patients ``start`` to ``stop - 1`` (positions in the run), numbered ``index``."""

    index: int
    start: int
    stop: int

    @property
    def size(self) -> int:
        """Patients in the chunk."""
        return self.stop - self.start

    @property
    def name(self) -> str:
        """File stem of the chunk's part, e.g. ``part-00003``."""
        return f"part-{self.index:05d}"

    def describe(self) -> str:
        """E.g. ``chunk 3 (patients 24–31)``, positions counted from 0."""
        return f"chunk {self.index} (patients {self.start}–{self.stop - 1})"


def check_chunk_size(chunk_size: int, field: str = "--chunk-size") -> int:
    """``chunk_size`` if it is an integer in 1–:data:`MAX_CHUNK_SIZE`.

    Raises
    ------
    strokesim.errors.UserInputError
        Otherwise, naming ``field`` and the range.
    """
    if isinstance(chunk_size, bool) or not 1 <= int(chunk_size) <= MAX_CHUNK_SIZE:
        raise UserInputError(
            field, f"must be an integer in 1–{MAX_CHUNK_SIZE} (patients), got {chunk_size}"
        )
    return int(chunk_size)


def check_workers(workers: int, field: str = "--workers") -> int:
    """``workers`` if it is an integer in 1–:data:`MAX_WORKERS`.

    Raises
    ------
    strokesim.errors.UserInputError
        Otherwise, naming ``field`` and the range.
    """
    if isinstance(workers, bool) or not 1 <= int(workers) <= MAX_WORKERS:
        raise UserInputError(field, f"must be an integer in 1–{MAX_WORKERS}, got {workers}")
    return int(workers)


def plan(n_patients: int, chunk_size: int) -> tuple[Chunk, ...]:
    """Split ``n_patients`` into contiguous chunks of ``chunk_size`` (the last may be smaller).

    Examples
    --------
    >>> [(c.start, c.stop) for c in plan(10, 4)]
    [(0, 4), (4, 8), (8, 10)]
    """
    if n_patients < 1:
        raise UserInputError("patients", "must contain at least one patient")
    size = check_chunk_size(chunk_size)
    return tuple(
        Chunk(index, start, min(start + size, n_patients))
        for index, start in enumerate(range(0, n_patients, size))
    )
