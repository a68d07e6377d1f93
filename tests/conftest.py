"""Shared test configuration: Hypothesis profiles.

``ci`` (chosen when the ``CI`` environment variable is set) is derandomized, keeps no example
database and has no deadline, so CI runs are reproducible; ``dev`` explores with fresh random
examples and remembers failures in the local database.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
