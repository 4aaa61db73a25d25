"""Relais ASE performance bench: `python -m bench` (`make bench`), SPEC §10."""
