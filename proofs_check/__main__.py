"""``python -m proofs_check`` runs the ``dynverify`` command line."""

import sys

from proofs_check.cli import main

sys.exit(main())
