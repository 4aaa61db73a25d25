"""Entry point of ``python -m chalicelib.cli``."""

import sys

from chalicelib.cli.commands import main

sys.exit(main(sys.argv[1:]))
