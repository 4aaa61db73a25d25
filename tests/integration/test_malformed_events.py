"""Malformed event bodies (SPEC §4: bad input never yields a failure): SES notifications through
SNS and S3 upload events that are not what AWS sends are logged and dropped, and the local loop of
``make run`` goes on after a poison event."""

from __future__ import annotations

import json

import pytest

import app as application
from chalicelib.delivery import events
from chalicelib.local import pump
from chalicelib.provisioning import LOCAL_S3_QUEUE, LOCAL_SES_QUEUE
from chalicelib.roster import uploads
from tests.support import events as publishing

SES_BODIES = [
    "null",
    "[]",
    '"Bounce"',
    "pas du JSON",
    '{"mail": "x"}',
    '{"eventType": "Bounce", "mail": {"tags": "x"}}',
    '{"eventType": "Bounce", "mail": {"tags": {"relais_message": [42]}}}',
    '{"eventType": ["Bounce"], "mail": {"tags": {"relais_message": ["msg_x"]}}}',
    '{"eventType": "Bounce", "mail": {"tags": {"relais_message": ["msg_x"]}}, "bounce": "x"}',
]
S3_EVENTS = [
    None,
    [],
    "x",
    {"Records": None},
    {"Records": "x"},
    {"Records": [None, 1, "x"]},
    {"Records": [{}]},
    {"Records": [{"s3": None}]},
    {"Records": [{"s3": {"bucket": {"name": 1}, "object": {"key": None}}}]},
    {"Records": [{"eventName": 5, "s3": {"bucket": {"name": "b"}, "object": {"key": "k"}}}]},
]


@pytest.mark.parametrize("body", SES_BODIES)
def test_a_malformed_ses_notification_is_dropped(aws, body):
    assert events.handle(body) == "ignored"


@pytest.mark.parametrize("event", S3_EVENTS)
def test_a_malformed_s3_event_is_dropped(aws, event):
    assert uploads.process_event(event) == []


def test_the_local_event_loop_survives_poison_events_and_goes_on(aws):
    # Given poison on both local queues, and a good (ignored) notification after it
    for body in ("null", "pas du JSON", '{"Type": "Notification", "Message": null}'):
        publishing.queue_raw(LOCAL_SES_QUEUE, body)
        publishing.queue_raw(LOCAL_S3_QUEUE, body)
    publishing.queue_raw(LOCAL_S3_QUEUE, json.dumps({"Records": [{"s3": None}]}))
    # When the loop drains the queues (twice: nothing is left behind to fail again)
    pump.drain(application)
    assert pump.drain(application) == 0
    # Then an SES notification published afterwards is still handled
    assert publishing.publish("null") == 1
