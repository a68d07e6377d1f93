"""Files the project writes: modes that follow the user's umask, leftovers of killed runs.

Temporary files and folders are made with private modes (0600 / 0700) and renamed into place;
:func:`publish` gives the final path the mode an ordinary ``open()``/``mkdir()`` would have had
(0666 / 0777 less the umask). Temporary names carry the writer's process id, so that
:func:`remove_stale` can delete those of processes that no longer run (a killed sweep or report)
without touching the temporary files of a live writer.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

__all__ = ["publish", "remove_stale", "tmp_prefix", "umask"]


def umask() -> int:
    """The process umask (read without changing it for longer than two calls)."""
    current = os.umask(0)
    os.umask(current)
    return current


def publish(path: str | os.PathLike) -> Path:
    """Give ``path`` (a file, or a folder and everything in it) the umask's default mode.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkstemp()[1])
    >>> oct(publish(f).stat().st_mode & 0o777) == oct(0o666 & ~umask())
    True
    """
    path = Path(path)
    mask = umask()
    if path.is_dir():
        for root, _dirs, files in os.walk(path):
            os.chmod(root, 0o777 & ~mask)
            for name in files:
                os.chmod(Path(root) / name, 0o666 & ~mask)
    else:
        os.chmod(path, 0o666 & ~mask)
    return path


def tmp_prefix(stem: str) -> str:
    """A temporary name prefix that records this process: ``.STEM.tmp-PID-``."""
    return f".{stem}.tmp-{os.getpid()}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(folder: str | os.PathLike) -> int:
    """Delete ``.*.tmp-PID-*`` entries of ``folder`` whose process is gone; return how many."""
    removed = 0
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    for entry in folder.glob(".*.tmp-*-*"):
        pid_text = entry.name.split(".tmp-", 1)[1].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed += 1
    return removed
