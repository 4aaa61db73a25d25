"""The typed core of Relais ASE: enums, dataclasses and pure rules. No I/O.

Imports nothing of ours but itself (enforced by the import-linter ``layers`` contract).
"""
