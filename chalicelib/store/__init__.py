"""Persistence: one module per aggregate (youths, referrals, messages, departments, directory,
uploads, audit), each exposing named, conditional transitions; ``models`` declares the tables and
only this package imports it. ``writes.applied`` is the one rule for "condition failed means
someone else did it"; ``base.live`` the one expiry filter."""
