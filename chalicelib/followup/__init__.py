"""Department follow-up (SPEC §4, §8, §9): youths, referrals, report, coverage gaps, erasure.

Every read Queries one department's partition (base table or a GSI keyed by department), never a
Scan, and ignores items whose TTL has passed.
"""
