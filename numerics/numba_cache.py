"""Numba's on-disk machine code for dynverify's kernels: where it lives, and checking it.

Generated kernels (:mod:`numerics.codegen`) live in the kernel cache and Numba caches them in
``__pycache__`` beside them. The hand-written kernels of ``numerics/`` (basins, the selective scan,
the delta-rule scan) would by default be cached beside the installed package, or in Numba's
per-user cache when that is read-only: out of reach of ``dynverify cache clear`` and of the
integrity check. :func:`guard` moves them under the kernel cache (``<cache>/numba/...``) and checks
them: a truncated or garbled index or data file would make every later call fail, so it is removed
(with one warning line) and the kernel recompiled.

A module with ``@njit(cache=True)`` kernels calls ``guard(__file__)`` before defining them.

Examples
--------
>>> from pathlib import Path
>>> import numerics.basins as basins
>>> cache_dir_for(basins.__file__).parent.parent.name
'numba'
"""

from __future__ import annotations

import contextlib
import os
import pickle
import pickletools
import sys
from pathlib import Path

from numba.core import caching

__all__ = ["cache_dir_for", "cache_files_ok", "drop_cache_files", "guard"]

# source files whose kernels are cached under the kernel cache (absolute paths)
_GUARDED: set[str] = set()

# the class whose locator list Numba walks (_CacheImpl in older Numba releases)
_CACHE_IMPL = getattr(caching, "CacheImpl", None) or caching._CacheImpl


def _kernel_cache_root() -> Path:
    from numerics.codegen import default_cache_dir  # codegen imports this module's users

    return default_cache_dir()


def cache_dir_for(py_file: str | os.PathLike) -> Path:
    """The directory of Numba's cache files for the kernels defined in ``py_file``: one per vector
    width (:mod:`numerics.vector_width`), since Numba keys its cache on the source file alone."""
    from numerics.vector_width import wide_vectors

    path = os.path.abspath(py_file)
    width = "wide" if wide_vectors() else "narrow"
    return (_kernel_cache_root() / "numba" / width
            / caching._CacheLocator.get_suitable_cache_subpath(path))


class _KernelCacheLocator(caching._SourceFileBackedLocatorMixin, caching._CacheLocator):
    """Numba cache locator for guarded files: their cache goes to :func:`cache_dir_for`.

    Numba tries it first; for any other file it declines and Numba's own locators decide. Where
    the directory cannot be written, it declines too and Numba falls back to its defaults.
    """

    def __init__(self, py_func, py_file):
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno
        self._cache_path = str(cache_dir_for(py_file))

    def get_cache_path(self):
        return self._cache_path

    @classmethod
    def from_function(cls, py_func, py_file):
        if os.path.abspath(py_file) not in _GUARDED:
            return None
        return super().from_function(py_func, py_file)


def cache_files_ok(cache_dir: Path, stem: str) -> bool:
    """Whether Numba's cache files of module ``stem`` in ``cache_dir`` (``STEM.*.nbi`` and the
    ``.nbc`` files they index) can be read back in full.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> cache_files_ok(d, "kernels")  # nothing cached yet
    True
    >>> _ = (d / "kernels.f-1.py311.nbi").write_bytes(b"\\x80\\x04")  # truncated
    >>> cache_files_ok(d, "kernels")
    False
    """
    for index in Path(cache_dir).glob(f"{stem}.*.nbi"):
        try:
            with open(index, "rb") as fh:
                pickle.load(fh)  # numba's version stamp
                _, overloads = pickle.loads(fh.read())
            for data_name in overloads.values():
                # walk the pickle's opcodes to its STOP without building anything (the objects
                # refer to the kernel's module, which may not be imported yet): a truncated or
                # garbled file raises here
                for _ in pickletools.genops((Path(cache_dir) / data_name).read_bytes()):
                    pass
        except Exception:
            return False
    return True


def drop_cache_files(cache_dir: Path, stem: str) -> None:
    """Remove Numba's cache files of module ``stem`` in ``cache_dir`` (missing ones are fine)."""
    for f in Path(cache_dir).glob(f"{stem}.*.nb[ic]"):
        with contextlib.suppress(OSError):
            f.unlink()


def guard(py_file: str | os.PathLike) -> None:
    """Cache the kernels of ``py_file`` under the kernel cache and drop damaged cache files.

    Call it at the top of a module, before its ``@njit(cache=True)`` definitions (Numba picks a
    function's cache location when it is decorated).
    """
    path = os.path.abspath(py_file)
    if _KernelCacheLocator not in _CACHE_IMPL._locator_classes:
        _CACHE_IMPL._locator_classes.insert(0, _KernelCacheLocator)
    _GUARDED.add(path)
    stem = Path(path).stem
    for where in (cache_dir_for(path), Path(path).parent / "__pycache__"):
        if not cache_files_ok(where, stem):
            print(f"dynverify: Numba cache of {Path(path).name} in {where} is damaged; "
                  "recompiling", file=sys.stderr)
            drop_cache_files(where, stem)
