"""The department console (SPEC §4b): ProConnect sign-in, sessions, and the agents' pages."""
