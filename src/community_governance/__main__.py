"""``python -m community_governance`` runs the command line."""

import sys

from community_governance.cli import main

sys.exit(main())
