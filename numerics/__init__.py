"""numerics: fast, exact-to-the-bit simulation of the maps derived in :mod:`theory`.

Kernels are generated from the symbolic map (:func:`compile_map`, cached on disk) and every tool
below runs on them; :mod:`numerics.reference` holds the slow readable oracles they are tested
against. float64 throughout, no fastmath, results independent of chunking and thread count, and
divergence is a label, never a NaN in an output.

Examples
--------
>>> from theory import gd_map
>>> from numerics import compile_map
>>> K = compile_map(gd_map("(a*b - 1)**2/2", params="a b", step="mu"))
>>> run = K.iterate([[0.5, 1.5], [10.0, 10.0]], {"mu": 0.1}, steps=200)
>>> run.diverged.tolist()
[False, True]
"""

from numerics.basins import BasinLabels, classify, classify_points
from numerics.codegen import CompiledMap, IterateResult, compile_map, default_cache_dir
from numerics.lyapunov import LyapunovResult, lyapunov, transverse_exponent
from numerics.orbits import EscapeResult, OrbitDiagram, escape, orbit_diagram
from numerics.periodic import (
    FEIGENBAUM_DELTA,
    BifurcationPoint,
    Cascade,
    PeriodicOrbit,
    bifurcation_points,
    period_doubling_cascade,
    periodic_orbits,
)
from numerics.precise import PreciseMap

__all__ = [
    "FEIGENBAUM_DELTA",
    "BasinLabels",
    "BifurcationPoint",
    "Cascade",
    "CompiledMap",
    "EscapeResult",
    "IterateResult",
    "LyapunovResult",
    "OrbitDiagram",
    "PeriodicOrbit",
    "PreciseMap",
    "bifurcation_points",
    "classify",
    "classify_points",
    "compile_map",
    "default_cache_dir",
    "escape",
    "lyapunov",
    "orbit_diagram",
    "period_doubling_cascade",
    "periodic_orbits",
    "transverse_exponent",
]
