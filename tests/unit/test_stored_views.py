"""The read-only views of ``domain.stored`` are what the store's models hold: mypy cannot see a
PynamoDB attribute through a protocol (it does not bind descriptors there), so the store casts its
items to their views and this test checks each view against its model, member by member."""

from __future__ import annotations

import typing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import mypy.api
import pytest
from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)

from chalicelib.domain import stored
from chalicelib.store import alerts, departments, messages, models, referrals
from chalicelib.store.base import PlainListAttribute, PlainMapAttribute, own

ROOT = Path(__file__).resolve().parents[2]

VIEWS = {
    models.Department: stored.StoredDepartment,
    models.ApiKey: stored.StoredApiKey,
    models.Youth: stored.StoredYouth,
    models.Referral: stored.StoredReferral,
    models.Message: stored.StoredMessage,
    models.Upload: stored.StoredUpload,
    models.Alert: stored.StoredAlert,
    models.PartnerSpace: stored.StoredPartnerSpace,
}

# what an item holds for each kind of attribute (a map stays PynamoDB's map until ``plain``)
HELD = {
    UnicodeAttribute: str,
    NumberAttribute: float,
    BooleanAttribute: bool,
    TTLAttribute: datetime,
    PlainMapAttribute: stored.StoredMap,
    PlainListAttribute: list[dict[str, Any]],
    ListAttribute: list[str],
}


def _members(view: type) -> dict[str, Any]:
    """Each property of the view and the type it returns."""
    return {
        name: typing.get_type_hints(member.fget, vars(stored))["return"]
        for name, member in vars(view).items()
        if isinstance(member, property)
    }


@pytest.mark.parametrize("model", list(VIEWS), ids=lambda model: model.__name__)
def test_each_view_has_its_models_attributes_with_the_type_an_item_holds(model):
    expected = {
        name: HELD[type(attribute)] | None if attribute.null else HELD[type(attribute)]
        for name, attribute in model.get_attributes().items()
    }
    assert _members(VIEWS[model]) == expected


@pytest.mark.parametrize("model", list(VIEWS), ids=lambda model: model.__name__)
def test_no_view_offers_a_write(model):
    members = set(vars(VIEWS[model]))
    assert not members & {"save", "update", "delete", "refresh"}
    assert all(isinstance(vars(VIEWS[model])[name], property) for name in _members(VIEWS[model]))


def test_a_map_read_from_the_table_fits_its_view():
    referral = models.Referral.from_raw_data(
        {"referral_id": {"S": "ref_1"}, "snapshot": {"M": {"kind": {"S": "mission_locale"}}}}
    )
    assert referral.snapshot.as_dict() == {"kind": "mission_locale"}
    assert referral.snapshot["kind"] == "mission_locale"
    assert list(referral.snapshot) == ["kind"]


def test_the_store_writes_only_its_own_items():
    unsaved = referrals.unsaved("ref_1", department="59", status="pending")
    assert own(unsaved, models.Referral) is unsaved
    with pytest.raises(TypeError, match="not a stored Referral"):
        own(alerts.unsaved("59", "alr_1"), models.Referral)


def test_unsaved_items_are_the_stores_own_models_never_written():
    department = departments.unsaved("59", name="Nord")
    message = messages.new(
        message_id="msg_1",
        department="59",
        purpose="referral",
        template="referral",
        channel="email",
        recipients=["a@example.fr"],
        context={},
        now=datetime(2026, 12, 1, tzinfo=UTC),
    )
    assert isinstance(department, models.Department) and department.name == "Nord"
    assert isinstance(message, models.Message) and message.status == "pending"


def test_mypy_refuses_a_write_through_a_view(tmp_path, monkeypatch):
    """What the views are for: outside the store, mypy (``make lint``) refuses any write."""
    monkeypatch.chdir(ROOT)  # where mypy finds ``chalicelib``
    workflow = tmp_path / "workflow.py"
    workflow.write_text(
        "from chalicelib.domain.stored import StoredYouth\n"
        "\n"
        "\n"
        "def leave(youth: StoredYouth) -> str:\n"
        '    youth.status = "exited"\n'
        "    youth.save()\n"
        "    return youth.status\n",
        encoding="utf-8",
    )
    report, _, status = mypy.api.run(
        [str(workflow), "--config-file", str(ROOT / "pyproject.toml"), "--no-incremental"]
    )
    errors = [line.split(" error: ")[1] for line in report.splitlines() if " error: " in line]
    assert status == 1
    assert errors == [
        'Property "status" defined in "StoredYouth" is read-only  [misc]',
        '"StoredYouth" has no attribute "save"  [attr-defined]',
    ]
