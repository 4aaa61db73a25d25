"""A department of many youths written straight through the store's batch writer (as a roster
upload writes them, list keys included), for the console's tests at a real department's size:
an upload of 20,000 rows through the roster path takes minutes on moto, this takes seconds."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from chalicelib.domain.youth import majority_date
from chalicelib.store import listing
from chalicelib.store.models import Youth

SURNAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
            "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia",
            "Éloi")  # fmt: skip
FIRST_NAMES = ("Léa", "Lucas", "Emma", "Hugo", "Chloé", "Nathan", "Inès", "Louis", "Jade",
               "Adam", "Manon", "Yanis")  # fmt: skip


def file_number(n: int) -> str:
    return f"B{n:06d}"


def write_youths(
    code: str, count: int, today: date, *, exited_every: int = 10, ids: list[str] | None = None
) -> None:
    """``count`` youths aged 16 to 21 (every ``exited_every``-th one exited), nothing due, and
    the list's totals counted as an upload counts them; ``ids``: their file numbers (else
    ``file_number(n)``)."""
    rng = random.Random(count)
    with listing.writer() as batch:
        for n in range(count):
            number = ids[n] if ids else file_number(n)
            birth = today - timedelta(days=int(rng.uniform(16.01, 20.95) * 365.25))
            batch.save(
                Youth(
                    code,
                    number,
                    record={
                        "id_externe": number,
                        "nom": rng.choice(SURNAMES),
                        "prenom": rng.choice(FIRST_NAMES),
                        "date_naissance": birth.isoformat(),
                        "code_commune": "59350",
                    },
                    fingerprint="0" * 32,
                    status="exited" if n % exited_every == exited_every - 1 else "active",
                    majority_date=majority_date(birth).isoformat(),
                    scheduled={},
                    created_at="2026-01-01T00:00:00Z",
                    updated_at="2026-01-01T00:00:00Z",
                )
            )
    listing.recount(code, datetime.now(UTC))
