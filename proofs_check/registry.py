"""The catalogue of claims, tables and plots, and the loading of users' claim files.

Every module of the package :mod:`proofs_check.claims` is a catalogue module. It defines

``MODEL``   the model's name, e.g. ``"two-factor"`` (used by ``dynverify check --model``);
``CLAIMS``  a list of :class:`~proofs_check.Claim` (or, without it, module-level ``Claim`` objects);
``TABLES``  optional ``{name: function(**options) -> Table}``; options arrive as strings from the
            command line (``dynverify table NAME --d 5`` calls ``function(d="5")``); raise
            :class:`ValueError` for a bad option;
``PLOTS``   optional ``{name: function(budget="quick", seed=0, **options) -> Figure}``;
``MAPS``    optional list of :class:`~proofs_check.models.Model`: maps that ``dynverify sweep
            --model NAME`` and ``plot sweep`` find by name.

Claim ids, table, plot and map names are unique across the catalogue. A module that fails to
import does not take the others down: its one-line error is kept in :attr:`Catalogue.errors`.

A user's file (``dynverify check my_claims.py``) follows the same rules; ``MODEL`` is optional.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import importlib
import importlib.util
import pkgutil
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from proofs_check.claim import Claim, seed_sympy
from proofs_check.models import Model

__all__ = ["Catalogue", "RegistryError", "collect_claims", "discover", "load_claims", "load_file"]

PACKAGE = "proofs_check.claims"


class RegistryError(ValueError):
    """A claim, model, table, plot or file that cannot be found or used; one-line message."""


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@dataclass
class Catalogue:
    """Claims, tables and plots collected from catalogue modules or files.

    Attributes
    ----------
    claims : dict
        ``{id: Claim}`` in discovery order.
    origin : dict
        ``{id: module name or file path}`` of each claim.
    models : dict
        ``{id: model name}`` (the claim's own model, else its module's ``MODEL``).
    tables, plots : dict
        ``{name: function}``; ``table_origin``/``plot_origin`` give their modules.
    maps : dict
        ``{name: Model}`` (see :mod:`proofs_check.models`); ``map_origin`` gives their modules.
    errors : dict
        ``{module: one-line error}`` for modules that could not be loaded or clash.

    Examples
    --------
    >>> import types, sympy as sp
    >>> from proofs_check import Claim, evidence as ev
    >>> m = types.ModuleType("demo_catalogue")
    >>> m.MODEL = "demo"
    >>> x = sp.Symbol("x")
    >>> m.CLAIMS = [Claim(id="demo.sq", statement="x^2-1=(x-1)(x+1)",
    ...                  evidence=[ev.identity(x**2 - 1, (x - 1)*(x + 1))])]
    >>> cat = discover(modules=[m])
    >>> list(cat.claims), cat.models["demo.sq"], cat.model_names()
    (['demo.sq'], 'demo', ['demo'])
    >>> [c.id for c in cat.select(model="demo")]
    ['demo.sq']
    """

    claims: dict[str, Claim] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)
    tables: dict[str, Callable] = field(default_factory=dict)
    table_origin: dict[str, str] = field(default_factory=dict)
    plots: dict[str, Callable] = field(default_factory=dict)
    plot_origin: dict[str, str] = field(default_factory=dict)
    maps: dict[str, Model] = field(default_factory=dict)
    map_origin: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def model_names(self) -> list[str]:
        """The models that have claims, sorted."""
        return sorted({m for m in self.models.values() if m})

    def select(self, ids: Iterable[str] = (), model: str | None = None) -> list[Claim]:
        """The claims named by ``ids`` (in that order) and/or of ``model``; all when neither.

        Raises :class:`RegistryError` for an unknown id or model, naming it.
        """
        ids = list(ids)
        if model is not None and model not in self.model_names():
            known = ", ".join(self.model_names()) or "none"
            raise RegistryError(f"unknown model {model!r} (known: {known})")
        for claim_id in ids:
            if claim_id not in self.claims:
                close = difflib.get_close_matches(claim_id, list(self.claims), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                broken = f" (modules that failed to load: {', '.join(self.errors)})" \
                    if self.errors else ""
                raise RegistryError(f"unknown claim id {claim_id!r}{hint}{broken}")
        chosen = ids or list(self.claims)
        if model is not None:
            chosen = [i for i in chosen if self.models[i] == model]
        seen: set[str] = set()
        out = []
        for claim_id in chosen:
            if claim_id not in seen:
                seen.add(claim_id)
                out.append(self.claims[claim_id])
        return out

    def add_module(self, module: ModuleType, origin: str | None = None, *,
                   strict: bool = False) -> int:
        """Collect a module's claims, tables and plots; return the number of claims added.

        Clashes (a claim id, table or plot name already present) raise :class:`RegistryError`
        when ``strict``, else are recorded in :attr:`errors` under the module's name.
        """
        origin = origin or module.__name__
        model = getattr(module, "MODEL", "")
        problems: list[str] = []
        claims = collect_claims(module)
        added = 0
        for claim in claims:
            if claim.id in self.claims:
                problems.append(f"claim id {claim.id!r} is already defined in "
                                f"{self.origin[claim.id]}")
                continue
            self.claims[claim.id] = claim
            self.origin[claim.id] = origin
            self.models[claim.id] = claim.model_name or (model if isinstance(model, str) else "")
            added += 1
        for attr, store, where in (("TABLES", self.tables, self.table_origin),
                                   ("PLOTS", self.plots, self.plot_origin)):
            items = getattr(module, attr, {}) or {}
            if not isinstance(items, dict):
                problems.append(f"{attr} is not a dict of name -> function")
                continue
            for name, fn in items.items():
                if name in store:
                    problems.append(f"{attr[:-1].lower()} {name!r} is already defined in "
                                    f"{where[name]}")
                elif not callable(fn):
                    problems.append(f"{attr[:-1].lower()} {name!r} is not callable")
                else:
                    store[name], where[name] = fn, origin
        declared = getattr(module, "MAPS", []) or []
        if not isinstance(declared, (list, tuple)) or \
                not all(isinstance(m, Model) for m in declared):
            problems.append("MAPS is not a list of proofs_check.models.Model")
            declared = []
        for m in declared:
            if m.name in self.maps:
                problems.append(f"map {m.name!r} is already defined in {self.map_origin[m.name]}")
            else:
                self.maps[m.name], self.map_origin[m.name] = m, origin
        if problems:
            if strict:
                raise RegistryError(f"{origin}: {problems[0]}")
            self.errors[origin] = "; ".join(problems)
        return added


def collect_claims(module: ModuleType) -> list[Claim]:
    """A module's ``CLAIMS`` list, or else its module-level :class:`Claim` objects in order.

    Examples
    --------
    >>> import types
    >>> from proofs_check import evidence as ev
    >>> m = types.ModuleType("m")
    >>> m.one = Claim(id="m.one", statement="1 = 1", evidence=[ev.identity(1, 1)])
    >>> [c.id for c in collect_claims(m)]
    ['m.one']
    """
    if hasattr(module, "CLAIMS"):
        claims = list(module.CLAIMS)
        bad = [c for c in claims if not isinstance(c, Claim)]
        if bad:
            raise RegistryError(f"{module.__name__}: CLAIMS holds a {type(bad[0]).__name__}, "
                                "not a Claim")
        return claims
    return [v for k, v in vars(module).items() if isinstance(v, Claim) and not k.startswith("_")]


def discover(package: str = PACKAGE, modules: Iterable[ModuleType | str] | None = None
             ) -> Catalogue:
    """Import every catalogue module (or the given ``modules``) and collect their contents.

    Parameters
    ----------
    package : str
        The package whose modules are the catalogue (default ``proofs_check.claims``).
    modules : iterable of modules or module names, optional
        Use exactly these instead of discovering (tests use this).

    Returns
    -------
    Catalogue
        With :attr:`Catalogue.errors` naming any module that failed to import.

    Examples
    --------
    >>> cat = discover()
    >>> isinstance(cat, Catalogue)
    True
    """
    catalogue = Catalogue()
    if modules is None:
        pkg = importlib.import_module(package)
        names = sorted(f"{package}.{m.name}" for m in pkgutil.iter_modules(pkg.__path__)
                       if not m.name.startswith("_"))
        modules = names
    for item in modules:
        name = item if isinstance(item, str) else item.__name__
        seed_sympy(0)  # a module's derivations do the same work whichever imported before it
        try:
            module = importlib.import_module(item) if isinstance(item, str) else item
            catalogue.add_module(module)
        except Exception as exc:  # a broken module is reported, not fatal
            catalogue.errors[name] = f"failed to import: {_one_line(exc)}"
    return catalogue


def _module_name(path: Path) -> str:
    """A module name unique to the file's path and content (an edited file is imported anew)."""
    stem = re.sub(r"\W", "_", path.stem)
    digest = hashlib.sha1(str(path).encode() + b"\0" + path.read_bytes()).hexdigest()[:12]
    return f"_dynverify_user_{stem}_{digest}"


def load_file(path: str | Path, *, need: str = "claims") -> Catalogue:
    """Import a user's Python file and return its claims (and tables/plots/maps) as a catalogue.

    Raises :class:`RegistryError` (one line, naming the file) when the file is missing, is not a
    ``.py`` file, fails to import, repeats a name, or defines none of what is needed: ``need``
    is ``"claims"`` (a ``Claim`` or ``CLAIMS``) or ``"maps"`` (a ``MAPS`` list).
    """
    path = Path(path)
    if path.suffix != ".py":
        raise RegistryError(f"claims file {str(path)!r} is not a .py file")
    if not path.is_file():
        raise RegistryError(f"claims file {str(path)!r} does not exist")
    resolved = path.resolve()
    try:
        name = _module_name(resolved)
    except OSError as exc:
        raise RegistryError(f"claims file {str(path)!r} cannot be read: {exc.strerror}") from None
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, resolved)
        if spec is None or spec.loader is None:  # pragma: no cover - .py files always have one
            raise RegistryError(f"claims file {str(path)!r} cannot be imported")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        sys.path.insert(0, str(resolved.parent))  # a claims file may import modules beside it
        seed_sympy(0)
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            del sys.modules[name]
            raise RegistryError(f"claims file {str(path)!r}: {_one_line(exc)}") from None
        except SystemExit:
            del sys.modules[name]
            raise RegistryError(f"claims file {str(path)!r} called sys.exit()") from None
        finally:
            with contextlib.suppress(ValueError):
                sys.path.remove(str(resolved.parent))
    catalogue = Catalogue()
    try:
        catalogue.add_module(module, origin=str(path), strict=True)
    except RegistryError:
        sys.modules.pop(name, None)
        raise
    if need == "claims" and not catalogue.claims:
        sys.modules.pop(name, None)
        raise RegistryError(f"claims file {str(path)!r} defines no claims (no Claim objects at "
                            "module level and no CLAIMS list)")
    if need == "maps" and not catalogue.maps:
        raise RegistryError(f"file {str(path)!r} declares no maps (no MAPS list of "
                            "proofs_check.models.Model)")
    return catalogue


def load_claims(path: str | Path) -> list[Claim]:
    """The claims a user's Python file defines (a ``CLAIMS`` list or module-level ``Claim``\\ s).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "mine.py").write_text('''
    ... import sympy as sp
    ... from proofs_check import Claim, evidence as ev
    ... x = sp.Symbol("x")
    ... square = Claim(id="mine.square", statement="(x+1)^2 = x^2+2x+1",
    ...                evidence=[ev.identity((x + 1)**2, x**2 + 2*x + 1)])
    ... ''')
    >>> [c.id for c in load_claims(d / "mine.py")]
    ['mine.square']
    >>> load_claims(d / "missing.py")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    proofs_check.registry.RegistryError: claims file '...missing.py' does not exist
    """
    return list(load_file(path).claims.values())
