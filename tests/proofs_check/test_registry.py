"""The catalogue registry and users' claim files."""

import types

import pytest

from proofs_check import Claim
from proofs_check.registry import RegistryError, discover, load_claims, load_file

from .conftest import make_module, write


def test_explicit_modules_are_collected(catalogue):
    assert list(catalogue.claims) == ["demo.square", "demo.positive", "demo.decay"]
    assert catalogue.model_names() == ["demo"]
    assert set(catalogue.tables) == {"demo-thresholds"} and set(catalogue.plots) == {"demo-line"}
    assert [c.id for c in catalogue.select(["demo.decay", "demo.square"])] == [
        "demo.decay", "demo.square"]
    with pytest.raises(RegistryError, match=r"did you mean 'demo\.square'"):
        catalogue.select(["demo.squre"])
    with pytest.raises(RegistryError, match="unknown model 'nope'"):
        catalogue.select(model="nope")


def test_broken_and_clashing_modules_are_reported_not_fatal():
    broken = types.ModuleType("broken_catalogue")
    broken.CLAIMS = ["not a claim"]
    cat = discover(modules=[make_module(), "no_such_module_xyz", broken,
                            make_module("clash", "demo")])
    assert list(cat.claims) == ["demo.square", "demo.positive", "demo.decay"]
    assert "ModuleNotFoundError" in cat.errors["no_such_module_xyz"]
    assert "not a Claim" in cat.errors["broken_catalogue"]
    assert "already defined in demo_catalogue" in cat.errors["clash"]


def test_package_discovery_picks_up_modules_and_survives_a_broken_one(tmp_path, monkeypatch):
    pkg = tmp_path / "fake_claims_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "ok.py").write_text(
        "import sympy as sp\nfrom proofs_check import Claim, evidence as ev\nMODEL = 'okm'\n"
        "x = sp.Symbol('x')\nc = Claim(id='ok.c', statement='x = x', "
        "evidence=[ev.identity(x, x)])\n")
    (pkg / "broken.py").write_text("raise ImportError('numerics.foo is missing')\n")
    (pkg / "_private.py").write_text("raise RuntimeError('never imported')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    cat = discover(package="fake_claims_pkg")
    assert list(cat.claims) == ["ok.c"] and cat.models["ok.c"] == "okm"
    assert cat.errors == {"fake_claims_pkg.broken":
                          "failed to import: ImportError: numerics.foo is missing"}


def test_the_real_catalogue_loads():
    cat = discover()
    for claim_id, claim in cat.claims.items():
        assert isinstance(claim, Claim) and cat.origin[claim_id].startswith("proofs_check.claims.")


def test_user_files(tmp_path, good_file):
    assert [c.id for c in load_claims(good_file)] == ["file.square", "file.sqrt2"]
    assert load_file(good_file).origin["file.square"] == str(good_file)
    cases = {
        "missing.py": (None, "does not exist"),
        "notes.txt": ("x = 1\n", "is not a .py file"),
        "empty.py": ("x = 1\n", "defines no claims"),
        "syntax.py": ("def (:\n", "SyntaxError"),
        "raises.py": ("import no_such_module_xyz\n", "ModuleNotFoundError"),
        "dup.py": ("from proofs_check import Claim, evidence as ev\n"
                   "c = Claim(id='d.x', statement='.', evidence=[ev.identity(1, 1)])\n"
                   "CLAIMS = [c, c]\n", "already defined"),
        "domain.py": ("from proofs_check import Claim, evidence as ev\n"
                      "c = Claim(id='d.x', statement='.', evidence=[ev.identity(1, 1)], "
                      "domain={'mu': (1, 0)})\n", "domain of 'mu' is empty"),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / name if text is None else write(tmp_path, name, text)
        with pytest.raises(RegistryError, match=message) as info:
            load_claims(path)
        assert "\n" not in str(info.value) and name in str(info.value)
