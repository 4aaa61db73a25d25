"""The global secondary indexes of the tables of ``store.models`` (see docs/ARCHITECTURE.md for
why each exists). Only ``chalicelib/store/`` uses them, through the models' attributes."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection


def _index_meta(name: str) -> type:
    return type("Meta", (), {"index_name": name, "projection": AllProjection()})


class DueIndex(GlobalSecondaryIndex):
    """Youths with something still to create, by due date: the daily scan reads only these."""

    Meta = _index_meta("due-index")
    department = UnicodeAttribute(hash_key=True)
    due_at = UnicodeAttribute(range_key=True)


class MajorityIndex(GlobalSecondaryIndex):
    Meta = _index_meta("majority-index")
    department = UnicodeAttribute(hash_key=True)
    majority_date = UnicodeAttribute(range_key=True)


class NameIndex(GlobalSecondaryIndex):
    """The console's youths list by name (``list_name``: folded "nom prénom", then the id)."""

    Meta = _index_meta("name-index")
    department = UnicodeAttribute(hash_key=True)
    list_name = UnicodeAttribute(range_key=True)


class FirstNameIndex(GlobalSecondaryIndex):
    """The console's search by first name (``list_first``: folded "prénom nom", then the id)."""

    Meta = _index_meta("first-name-index")
    department = UnicodeAttribute(hash_key=True)
    list_first = UnicodeAttribute(range_key=True)


class StatusIndex(GlobalSecondaryIndex):
    """The console's youths list by status (``list_status``: status, majority date, id)."""

    Meta = _index_meta("status-index")
    department = UnicodeAttribute(hash_key=True)
    list_status = UnicodeAttribute(range_key=True)


class BlockedIndex(GlobalSecondaryIndex):
    """ "Sans partenaire" (sparse, ``store.youth_flags``): majority date, then the id."""

    Meta = _index_meta("blocked-index")
    department = UnicodeAttribute(hash_key=True)
    flag_blocked = UnicodeAttribute(range_key=True)


class RerouteIndex(GlobalSecondaryIndex):
    """ "À réorienter" (sparse, ``store.youth_flags``): majority date, then the id."""

    Meta = _index_meta("reroute-index")
    department = UnicodeAttribute(hash_key=True)
    flag_reroute = UnicodeAttribute(range_key=True)


class LateIndex(GlobalSecondaryIndex):
    """ "Sans réponse" (sparse, ``store.youth_flags``): when the oldest unanswered referral was
    sent, then the id; the list reads the range up to its cutoff."""

    Meta = _index_meta("late-index")
    department = UnicodeAttribute(hash_key=True)
    flag_late = UnicodeAttribute(range_key=True)


class TokenIndex(GlobalSecondaryIndex):
    Meta = _index_meta("token-index")
    token_hash = UnicodeAttribute(hash_key=True)


class YouthReferralsIndex(GlobalSecondaryIndex):
    Meta = _index_meta("youth-index")
    youth_key = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class DepartmentReferralsIndex(GlobalSecondaryIndex):
    Meta = _index_meta("department-index")
    department = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class FollowupIndex(GlobalSecondaryIndex):
    """Sent referrals awaiting an answer, by the moment of their next reminder or escalation."""

    Meta = _index_meta("followup-index")
    department = UnicodeAttribute(hash_key=True)
    followup_at = UnicodeAttribute(range_key=True)


class PartnerReferralsIndex(GlobalSecondaryIndex):
    """A structure's referrals of every department, newest first (the partners' space). Keys only:
    referral updates never write it; the space reads the items it lists by BatchGetItem."""

    Meta = type("Meta", (), {"index_name": "partner-index", "projection": KeysOnlyProjection()})
    partner_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class AwaitingIndex(GlobalSecondaryIndex):
    """Referrals sent and not answered, by sending time (sparse: ``awaiting_since`` is removed
    when the answer, a failure or a redirection ends the wait): "sans réponse" in the console."""

    Meta = _index_meta("awaiting-index")
    department = UnicodeAttribute(hash_key=True)
    awaiting_since = UnicodeAttribute(range_key=True)


class DispatchIndex(GlobalSecondaryIndex):
    """Messages waiting to be sent, by the moment they may go."""

    Meta = _index_meta("dispatch-index")
    department = UnicodeAttribute(hash_key=True)
    dispatch_at = UnicodeAttribute(range_key=True)


class MessageYouthIndex(GlobalSecondaryIndex):
    """Messages about one youth (sparse: digests carry no ``youth_key``): erasure and consent
    changes query them."""

    Meta = type("Meta", (), {"index_name": "youth-index", "projection": KeysOnlyProjection()})
    youth_key = UnicodeAttribute(hash_key=True)


class LeasedUploadsIndex(GlobalSecondaryIndex):
    """Uploads being processed, by the end of their run's lease (sparse: ``lease_until`` is set
    by a claim, removed when the upload is released or finished): the sweep finds a dead run's."""

    Meta = _index_meta("lease-index")
    department = UnicodeAttribute(hash_key=True)
    lease_until = UnicodeAttribute(range_key=True)


class OpenAlertsIndex(GlobalSecondaryIndex):
    """Open alerts of a department, oldest first (``open_since`` is removed on close)."""

    Meta = _index_meta("open-index")
    department = UnicodeAttribute(hash_key=True)
    open_since = UnicodeAttribute(range_key=True)


class DigestDueIndex(GlobalSecondaryIndex):
    """Alerts not yet included in a digest (``digest_due`` is removed once they are)."""

    Meta = _index_meta("digest-index")
    department = UnicodeAttribute(hash_key=True)
    digest_due = UnicodeAttribute(range_key=True)


class SpaceTokenIndex(GlobalSecondaryIndex):
    Meta = _index_meta("token-index")
    token_hash = UnicodeAttribute(hash_key=True)
