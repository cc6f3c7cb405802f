"""Atomic file writes: the output file is either complete or absent.

Every writer in strokesim (results, figures, reports) goes through
:func:`atomic_path`: the content is written to a hidden temporary file in the
destination directory and moved into place with :func:`os.replace`, which is
atomic on POSIX and Windows when both paths are on the same file system. If
anything fails, the temporary file is removed and the destination is untouched,
so a user never finds a half-written result next to an error message.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from strokesim.errors import UserInputError

__all__ = [
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "ensure_writable",
    "prepare_output",
]


def prepare_output(path: str | os.PathLike[str], field: str) -> Path:
    """Create ``path``'s folder if needed and check the file can be written (before any work).

    Raises
    ------
    strokesim.errors.UserInputError
        If the folder cannot be created, or :func:`ensure_writable` refuses the path.
    """
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserInputError(field, f"cannot create the folder of {path}: {error}") from None
    return ensure_writable(path, field)


def ensure_writable(path: str | os.PathLike[str], field: str = "--out") -> Path:
    """Check, before any work is done, that ``path`` can be created or replaced.

    Parameters
    ----------
    path
        Destination file.
    field
        Name of the user-facing option that supplied ``path`` (used in the message).

    Returns
    -------
    pathlib.Path
        ``path`` as a :class:`~pathlib.Path`.

    Raises
    ------
    strokesim.errors.UserInputError
        If the parent directory is missing, is not a directory or is not writable,
        or if ``path`` is an existing directory.

    Examples
    --------
    >>> import tempfile
    >>> ensure_writable(Path(tempfile.gettempdir()) / "result.nc").name
    'result.nc'
    """
    target = Path(path)
    parent = target.parent
    if not parent.exists():
        raise UserInputError(field, f"cannot write {target}: directory {parent} does not exist")
    if not parent.is_dir():
        raise UserInputError(field, f"cannot write {target}: {parent} is not a directory")
    if target.is_dir():
        raise UserInputError(field, f"cannot write {target}: it is an existing directory")
    # The temporary file is created next to the target, so the directory itself
    # must be writable even when the target already exists and is writable.
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserInputError(field, f"cannot write {target}: directory {parent} is not writable")
    return target


def _create_temporary(target: Path) -> Path:
    """Create an empty, exclusive temporary file next to ``target``.

    ``os.open`` with mode 0o666 lets the process umask decide the permissions,
    so the final file gets the same permissions as a plain ``open(..., "w")``
    (``tempfile.mkstemp`` would leave it private, 0o600).
    """
    while True:
        candidate = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(descriptor)
        return candidate


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], field: str = "--out") -> Iterator[Path]:
    """Yield a temporary path to write to; move it onto ``path`` on success.

    Parameters
    ----------
    path
        Final destination.
    field
        Name of the user-facing option that supplied ``path`` (used in messages).

    Yields
    ------
    pathlib.Path
        An existing, empty temporary file in the destination directory. The
        caller writes (or overwrites) it by path.

    Raises
    ------
    strokesim.errors.UserInputError
        If the destination is not writable (checked before yielding) or if the
        operating system refuses the write (disk full, permission, ...). Other
        exceptions raised by the caller propagate unchanged. In every failure
        case the temporary file is removed and ``path`` is left as it was.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "hello.txt"
    >>> with atomic_path(out) as tmp:
    ...     _ = tmp.write_text("hello")
    >>> out.read_text()
    'hello'
    """
    target = ensure_writable(path, field)
    try:
        temporary = _create_temporary(target)
    except OSError as error:
        raise UserInputError(field, f"cannot write {target}: {error.strerror}") from error
    try:
        yield temporary
        os.replace(temporary, target)
    except OSError as error:
        _remove_quietly(temporary)
        reason = error.strerror or str(error)
        raise UserInputError(field, f"cannot write {target}: {reason}") from error
    except BaseException:
        _remove_quietly(temporary)
        raise


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, field: str = "--out") -> Path:
    """Write ``data`` to ``path`` atomically.

    Parameters
    ----------
    path
        Destination file.
    data
        Content.
    field
        Name of the user-facing option that supplied ``path`` (used in messages).

    Returns
    -------
    pathlib.Path
        The written path.

    Examples
    --------
    >>> import tempfile
    >>> out = atomic_write_bytes(Path(tempfile.mkdtemp()) / "a.bin", b"\\x00\\x01")
    >>> out.read_bytes()
    b'\\x00\\x01'
    """
    with atomic_path(path, field) as temporary, temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return Path(path)


def atomic_write_text(
    path: str | os.PathLike[str], text: str, field: str = "--out", encoding: str = "utf-8"
) -> Path:
    """Write ``text`` to ``path`` atomically (UTF-8 by default).

    Parameters
    ----------
    path
        Destination file.
    text
        Content.
    field
        Name of the user-facing option that supplied ``path`` (used in messages).
    encoding
        Text encoding.

    Returns
    -------
    pathlib.Path
        The written path.

    Examples
    --------
    >>> import tempfile
    >>> atomic_write_text(Path(tempfile.mkdtemp()) / "a.txt", "hi").read_text()
    'hi'
    """
    return atomic_write_bytes(path, text.encode(encoding), field)
