"""The partners' space (SPEC §4c): a structure's referrals of every department, one link."""
