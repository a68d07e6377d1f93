"""The two-factor maps that ``dynverify sweep --model`` and ``plot sweep`` find by name."""

from proofs_check.models import Model


def _model():
    from theory.models import two_factor

    return two_factor.model()


MAPS = [
    Model("two-factor", lambda: _model().map, axes=("mu=0.01:1.99:400", "a=-3:3:400"),
          fixed={"b": 0.5},
          overlays={"$\\mu (a^2 + b^2) = 2$ (edge of stability at $ab = 1$)":
                    "mu=2/(a**2+b**2)"},
          description="F_mu(a, b) = (a - mu b (ab - 1), b - mu a (ab - 1)); the overlay is the "
                      "edge of stability of the minimisers ab = 1"),
    Model("two-factor-balanced", lambda: _model().slice("balanced"),
          axes=("mu=0.01:2.2:400", "a=-1.8:1.8:400"),
          overlays={"$\\mu = 1$": "mu=1", "$\\mu = \\sqrt{5} - 1$": "mu=sqrt(5)-1",
                    "$\\mu = 2$": "mu=2"},
          description="the balanced slice g(a) = (1 + mu) a - mu a^3; overlays: the first two "
                      "period doublings and the boundary crisis"),
]
