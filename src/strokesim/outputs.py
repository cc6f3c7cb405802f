"""The output files of one command: checked before the work, written all or none.

Each writer of :mod:`strokesim.io` and :mod:`strokesim.report` is atomic on its
own (a file is complete or absent). A command that writes several files (a
result, a figure, a report) also needs the *set* to be consistent: if the third
file fails, or the user presses Ctrl-C, the first two are removed again, so the
user never finds half the outputs of a run next to an error message.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> plan = [(folder / name, lambda p: p.write_text("x")) for name in ("a.txt", "b.txt")]
>>> [p.name for p in write_all(plan)]
['a.txt', 'b.txt']
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from strokesim.errors import UserInputError
from strokesim.io import RESULT_SUFFIXES, ensure_writable

__all__ = [
    "Writer",
    "check_distinct",
    "check_figure_path",
    "check_result_path",
    "output_folder",
    "prepare_folder",
    "write_all",
]

#: A planned output: the destination and the function that writes it (atomically).
Writer = tuple[Path, Callable[[Path], object]]


def check_result_path(path: str | os.PathLike[str], field: str = "--out") -> Path:
    """Check a result file's suffix and that it can be written, before any work.

    Raises
    ------
    strokesim.errors.UserInputError
        If the suffix is not ``.nc``, ``.parquet`` or ``.csv``, or the directory is
        missing or not writable.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in RESULT_SUFFIXES:
        shown = suffix or "no suffix"
        raise UserInputError(field, f"must end in .nc, .parquet or .csv, got {shown} ({target})")
    return ensure_writable(target, field)


def check_figure_path(path: str | os.PathLike[str], field: str = "--plot") -> Path:
    """Check that a figure file ends in ``.png`` and can be written, before any work."""
    target = Path(path)
    if target.suffix.lower() != ".png":
        shown = target.suffix or "no suffix"
        raise UserInputError(field, f"must end in .png, got {shown} ({target})")
    return ensure_writable(target, field)


def prepare_folder(path: str | os.PathLike[str], field: str = "--out") -> Path:
    """Create an output folder (and its parents) if needed; check it is writable.

    Raises
    ------
    strokesim.errors.UserInputError
        If the folder cannot be created (a file is in the way, no permission) or
        is not writable.
    """
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UserInputError(field, f"cannot use {folder}: it is a file, not a folder") from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise UserInputError(field, f"cannot create folder {folder}: {reason}") from error
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserInputError(field, f"cannot write into {folder}: not writable")
    return folder


@contextlib.contextmanager
def output_folder(path: str | os.PathLike[str], field: str = "--out") -> Iterator[Path]:
    """:func:`prepare_folder` for the duration of some work, undone if the work fails.

    Folders this call created are removed again (if still empty) when the work
    inside raises or is interrupted, so a failed command leaves no trace.
    """
    folder = Path(path)
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    prepare_folder(folder, field)
    try:
        yield folder
    except BaseException:
        for created in missing:  # deepest first
            with contextlib.suppress(OSError):
                created.rmdir()
        raise


def check_distinct(paths: Iterable[Path], field: str = "--out") -> None:
    """Refuse two outputs of one command that name the same file."""
    seen: set[Path] = set()
    for path in paths:
        resolved = path.resolve()
        if resolved in seen:
            raise UserInputError(field, f"names the same file twice: {path}")
        seen.add(resolved)


def write_all(plan: Sequence[Writer]) -> list[Path]:
    """Run each writer in turn; if any fails or is interrupted, remove what was written.

    Parameters
    ----------
    plan
        ``(path, write)`` pairs; ``write(path)`` must write ``path`` atomically
        (the writers of :mod:`strokesim.io` and :mod:`strokesim.report` do).

    Returns
    -------
    list of pathlib.Path
        The written paths, in order.

    Raises
    ------
    BaseException
        Whatever a writer raised (including ``KeyboardInterrupt``), after the files
        already written by this call have been removed.
    """
    written: list[Path] = []
    try:
        for path, write in plan:
            write(path)
            written.append(path)
    except BaseException:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    return written
