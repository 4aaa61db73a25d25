"""Every DynamoDB table of Relais ASE, as PynamoDB models. The only module that declares storage.

Only ``chalicelib/store/`` imports this module (import-linter contract in pyproject.toml): the
rest of the code goes through the store's aggregate modules (``store.youths``,
``store.referrals``, ``store.messages``…) and their named transitions. A new table is a new model
here, added to ``ALL_MODELS`` (provisioning creates it), and its own aggregate module.

See docs/ARCHITECTURE.md for why the keys and indexes are what they are.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.models import Model

from chalicelib.domain.alert_details import AlertDetails
from chalicelib.domain.answers import AnswerEntry, answer_entries
from chalicelib.domain.enums import MessageStatus, YouthStatus
from chalicelib.domain.history import (
    StatusChange,
    YouthHistoryEntry,
    status_changes,
    youth_history,
)
from chalicelib.domain.schedule import Schedule
from chalicelib.domain.snapshot import Snapshot
from chalicelib.store.base import PlainListAttribute, PlainMapAttribute, plain, table_meta
from chalicelib.store.indexes import (
    AwaitingIndex,
    BlockedIndex,
    DepartmentReferralsIndex,
    DigestDueIndex,
    DispatchIndex,
    DueIndex,
    FirstNameIndex,
    FollowupIndex,
    LateIndex,
    LeasedUploadsIndex,
    MajorityIndex,
    MessageYouthIndex,
    NameIndex,
    OpenAlertsIndex,
    PartnerReferralsIndex,
    RerouteIndex,
    SpaceTokenIndex,
    StatusIndex,
    TokenIndex,
    YouthReferralsIndex,
)


class Department(Model):
    Meta = table_meta("departments")
    code = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    contact_email = UnicodeAttribute()
    contact_phone = UnicodeAttribute(null=True)  # E.164; shown to partners with the email
    timezone = UnicodeAttribute()
    ml_lead_days = NumberAttribute(default=30)
    hj_lead_days = NumberAttribute(default=183)
    relance_jours = NumberAttribute(default=7)
    escalade_jours = NumberAttribute(default=14)
    ack_ttl_days = NumberAttribute(default=60)
    retention_months = NumberAttribute(default=24)
    key_hash = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    column_mapping = PlainMapAttribute(null=True)  # {their header: our column} (roster.columns)


class ApiKey(Model):
    Meta = table_meta("keys")
    key_hash = UnicodeAttribute(hash_key=True)
    scope = UnicodeAttribute()  # "department" | "operator"
    department = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()


class Youth(Model):
    Meta = table_meta("youths")
    department = UnicodeAttribute(hash_key=True)
    id_externe = UnicodeAttribute(range_key=True)
    record = PlainMapAttribute()  # YouthRecord.as_attributes()
    fingerprint = UnicodeAttribute()
    status = UnicodeAttribute(default=YouthStatus.ACTIVE)  # YouthStatus
    majority_date = UnicodeAttribute()
    due_at = UnicodeAttribute(null=True)  # ISO date; absent when nothing is left to schedule
    scheduled = PlainMapAttribute(default=dict)  # domain.schedule.Schedule.to_item()
    # [{at, event, part?, from?, to?}] without personal data (domain.history.YouthHistoryEntry)
    history = PlainListAttribute(default=list)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    exited_at = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)
    # +1 by every write of ``scheduled`` or ``due_at``: a roster's write is conditional on the one
    # it read, so that it never overwrites a schedule saved meanwhile (store.youths)
    version = NumberAttribute(null=True)
    list_name = UnicodeAttribute(null=True)  # store.listing.list_keys, at each roster write
    list_status = UnicodeAttribute(null=True)
    list_first = UnicodeAttribute(null=True)
    # the list's flag views, each present only while the flag holds (store.youth_flags)
    flag_blocked = UnicodeAttribute(null=True)
    flag_reroute = UnicodeAttribute(null=True)
    flag_late = UnicodeAttribute(null=True)
    flags_version = NumberAttribute(null=True)  # +1 by each flags write: a stale one fails
    due_index = DueIndex()
    majority_index = MajorityIndex()
    name_index = NameIndex()
    first_name_index = FirstNameIndex()
    status_index = StatusIndex()
    blocked_index = BlockedIndex()
    reroute_index = RerouteIndex()
    late_index = LateIndex()

    def schedule(self) -> Schedule:
        return Schedule.from_item(plain(self.scheduled))

    def events(self) -> list[YouthHistoryEntry]:
        """``history``, oldest first."""
        return youth_history(plain(self.history))


class Referral(Model):
    Meta = table_meta("referrals")
    referral_id = UnicodeAttribute(hash_key=True)
    department = UnicodeAttribute()
    id_externe = UnicodeAttribute()
    youth_key = UnicodeAttribute()  # "{department}#{id_externe}"
    kind = UnicodeAttribute()  # mission_locale | habitat_jeunes | entretien
    partner_type = UnicodeAttribute()
    partner_id = UnicodeAttribute()
    channel = UnicodeAttribute()
    status = UnicodeAttribute()
    history = PlainListAttribute(
        default=list
    )  # [{at, status, note?}] (domain.history.StatusChange)
    created_at = UnicodeAttribute()
    sent_at = UnicodeAttribute(null=True)
    token_hash = UnicodeAttribute(null=True)
    token_expires_at = UnicodeAttribute(null=True)
    answer = PlainMapAttribute(null=True)  # the last of ``answers`` (domain.answers.AnswerEntry)
    answered_at = UnicodeAttribute(null=True)
    followup_at = UnicodeAttribute(null=True)
    followup_stage = UnicodeAttribute(null=True)  # reminder | escalation
    # what messages and pages show (minimal personal data): domain.snapshot.Snapshot
    snapshot = PlainMapAttribute(default=dict)
    sequence = NumberAttribute(default=0)
    answers = PlainListAttribute(null=True)  # every answer, whole: [{reponse, date_rdv, …, at}]
    awaiting_since = UnicodeAttribute(null=True)  # sent_at while no answer came
    expires_at = TTLAttribute(null=True)
    token_index = TokenIndex()
    youth_index = YouthReferralsIndex()
    department_index = DepartmentReferralsIndex()
    followup_index = FollowupIndex()
    partner_index = PartnerReferralsIndex()
    awaiting_index = AwaitingIndex()

    def snapshot_view(self) -> Snapshot:
        """``snapshot``: what messages and pages show of the youth, its department and partner."""
        return Snapshot.from_item(plain(self.snapshot))

    def current_answer(self) -> AnswerEntry | None:
        """``answer``: the partner's last answer, if any."""
        item = plain(self.answer) or {}
        return AnswerEntry.from_item(item) if item.get("reponse") else None

    def every_answer(self) -> list[AnswerEntry]:
        """``answers``, oldest first (a referral answered before the list existed has one)."""
        found = answer_entries(plain(self.answers))
        current = self.current_answer()
        return found or ([current] if current is not None else [])

    def status_changes(self) -> list[StatusChange]:
        """``history``, oldest first."""
        return status_changes(plain(self.history))


class Message(Model):
    """One email or SMS to send, exactly once. ``message_id`` is derived from what it is for."""

    Meta = table_meta("messages")
    message_id = UnicodeAttribute(hash_key=True)
    department = UnicodeAttribute()
    referral_id = UnicodeAttribute(null=True)
    youth_key = UnicodeAttribute(null=True)  # "{department}#{id_externe}" of the youth it concerns
    purpose = UnicodeAttribute()  # referral | reminder | escalation | alert | digest | placement
    template = UnicodeAttribute()
    channel = UnicodeAttribute()  # email | sms
    recipients = ListAttribute(of=UnicodeAttribute)
    fallback_channel = UnicodeAttribute(null=True)
    fallback_recipients = ListAttribute(of=UnicodeAttribute, null=True)
    context = PlainMapAttribute(default=dict)
    status = UnicodeAttribute(default=MessageStatus.PENDING)
    dispatch_at = UnicodeAttribute(null=True)
    attempts = NumberAttribute(default=0)
    claim_id = UnicodeAttribute(null=True)
    claimed_at = UnicodeAttribute(null=True)
    provider_id = UnicodeAttribute(null=True)
    sent_at = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    last_event_at = UnicodeAttribute(null=True)
    history = PlainListAttribute(default=list)
    created_at = UnicodeAttribute()
    expires_at = TTLAttribute(null=True)
    dispatch_index = DispatchIndex()
    youth_index = MessageYouthIndex()


class DirectoryItem(Model):
    """Versioned directory: ``ml#V``/code_ml, ``cov#V#DEPT``/insee, ``hj#V#DEPT``/id, pointer."""

    Meta = table_meta("directory")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    data = PlainMapAttribute(default=dict)
    expires_at = TTLAttribute(null=True)


class AuditEvent(Model):
    """Append-only: who did what, when, with counts. Never personal data."""

    Meta = table_meta("audit")
    scope = UnicodeAttribute(hash_key=True)  # department code or "operators"
    at_id = UnicodeAttribute(range_key=True)  # ISO time + "#" + random
    action = UnicodeAttribute()
    actor = UnicodeAttribute()
    counts = PlainMapAttribute(default=dict)
    subject = UnicodeAttribute(null=True)  # a referral id or an upload id, never a name


class Upload(Model):
    Meta = table_meta("uploads")
    upload_id = UnicodeAttribute(hash_key=True)
    department = UnicodeAttribute()
    status = UnicodeAttribute(default="waiting")
    mode = UnicodeAttribute(default="strict")
    dry_run = BooleanAttribute(default=False)
    confirm_exits = BooleanAttribute(default=False)
    claim_id = UnicodeAttribute(null=True)  # the run that took it (a Lambda retry has the same)
    claimed_at = UnicodeAttribute(null=True)  # when (a dead run's claim is taken after a lease)
    lease_until = UnicodeAttribute(null=True)  # while processing: when the run's lease ends
    attempts = NumberAttribute(default=0)  # claims so far (a run that keeps dying ends ``failed``)
    rows_total = NumberAttribute(default=0)
    rows_done = NumberAttribute(default=0)
    report = PlainMapAttribute(null=True)
    actor = UnicodeAttribute()
    created_at = UnicodeAttribute()
    expires_at = TTLAttribute(null=True)
    file_etag = UnicodeAttribute(null=True)  # the S3 ETag of the file it read (console's "Apply")
    lease_index = LeasedUploadsIndex()


class Alert(Model):
    """Something a department must know or act on; one per (department, kind, subject).

    ``alert_id`` is opaque (it appears in console links); transitions are in ``store.alerts``."""

    Meta = table_meta("alerts")
    department = UnicodeAttribute(hash_key=True)
    alert_id = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()  # domain.alerts.AlertKind
    state = UnicodeAttribute()  # domain.alerts.AlertState
    fingerprint = UnicodeAttribute(default="")  # what was alerted: a change raises it again
    id_externe = UnicodeAttribute(null=True)
    referral_id = UnicodeAttribute(null=True)
    details = PlainMapAttribute(default=dict)  # what the digest and console show: AlertDetails
    raised_at = UnicodeAttribute()
    open_since = UnicodeAttribute(null=True)
    digest_due = UnicodeAttribute(null=True)
    digested_at = UnicodeAttribute(null=True)
    digest_id = UnicodeAttribute(null=True)
    closed_at = UnicodeAttribute(null=True)
    closed_by = UnicodeAttribute(null=True)  # an agent's email or "relais"
    closed_action = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)
    open_index = OpenAlertsIndex()
    digest_index = DigestDueIndex()

    def details_view(self) -> AlertDetails:
        """``details``: what the digest and the console say of the alert."""
        return AlertDetails.from_item(plain(self.details) or {})


class ConsoleItem(Model):
    """The department console: sign-ins, sessions, agents (see ``store.console``)."""

    Meta = table_meta("console")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    department = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    csrf = UnicodeAttribute(null=True)
    nonce = UnicodeAttribute(null=True)
    verifier = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    seen_at = UnicodeAttribute(null=True)
    added_by = UnicodeAttribute(null=True)
    allowed = UnicodeAttribute(null=True)  # a session: the departments open to it, comma-joined
    id_token = UnicodeAttribute(null=True)  # a session: the provider's ID token, for sign-out
    criteria = PlainMapAttribute(null=True)  # a saved youths search (store.searches)
    counts = PlainMapAttribute(null=True)  # a department's youths by status and month (listing)
    tally = NumberAttribute(null=True)  # a kept count: a flag view's youths (store.youth_flags)
    version = NumberAttribute(null=True)
    expires_at = TTLAttribute(null=True)


class PartnerSpace(Model):
    """A structure's space (SPEC §4c): its token, stored hashed, and until when it is valid.

    ``partner_key`` is ``{partner_type}#{partner_id}``; the token is derived from ``nonce`` (see
    ``tokens.space_token``), so that each referral email carries it without storing it. Deleting
    the item revokes the token; the next email brings a new one (a new nonce)."""

    Meta = table_meta("partners")
    partner_key = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute(null=True)  # the structure's name in the directory, as last sent
    nonce = UnicodeAttribute()
    token_hash = UnicodeAttribute()
    renewed_at = UnicodeAttribute()  # the last referral email sent to the structure
    valid_until = UnicodeAttribute()  # renewed_at + 90 days: then the link answers 410
    department = PlainMapAttribute(default=dict)  # that email's department: whom the 410 page names
    expires_at = TTLAttribute(null=True)  # the item goes a year after the link stopped working
    token_index = SpaceTokenIndex()


ALL_MODELS: tuple[type[Model], ...] = (
    Department,
    ApiKey,
    Youth,
    Referral,
    Message,
    DirectoryItem,
    AuditEvent,
    Upload,
    ConsoleItem,
    Alert,
    PartnerSpace,
)
