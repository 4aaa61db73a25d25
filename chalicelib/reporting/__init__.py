"""Department reporting (SPEC §4, §9): youths, referrals, report and exports, coverage gaps.

Every read Queries one department's partition (base table or a GSI keyed by department), never a
Scan, and ignores items whose TTL has passed.
"""
