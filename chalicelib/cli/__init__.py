"""Operator CLI: ``python -m chalicelib.cli COMMAND`` (SPEC §3). Same code as the Lambdas."""
