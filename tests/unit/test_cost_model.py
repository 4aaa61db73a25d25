"""The bench's cost arithmetic (bench/cost_model.py, bench/cost_inputs.py, bench/meter.py).

Pure: no endpoint, no bench run (``make bench`` does that). Figures are small round numbers
whose expected results can be checked by hand.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

import pytest

from bench import cost_model
from bench.cost_inputs import capacity, waf_counts
from bench.cost_model import (
    EVENTS,
    WEEKS_PER_MONTH,
    Measured,
    Scenario,
    Unit,
    estimate,
    load_prices,
    monthly_events,
    schedule_invocations,
)
from bench.meter import Reading, item_size, sms_segments
from tests.support.cfn import RESOURCES, load_template, resources_of

UNIT_PRICES = {
    name: 1.0 for name in json.loads(cost_model.PRICES_FILE.read_text())["prices"]
}  # every price $1, so each line shows its quantity's arithmetic


def measured(**units: Unit) -> Measured:
    base = {name: Unit() for name in EVENTS}
    base.update(units)
    return Measured(
        units=base,
        item_bytes={"youths": 924.0, "referrals": 1948.0, "messages": 924.0},
        gsis={"youths": 2.0, "referrals": 4.0, "messages": 1.0},
        digests_per_near_majority_youth_week=0.02,
        sms_segments=2.0,
        email_bytes=0.0,
        memory_mb={"jobs": 512, "api": 1024},
        schedules={"dispatch": 100.0, "daily_scan": 30.0},
        alarms=10,
        dashboards=1,
    )


SMALL = Scenario(
    departments=10,
    youths=1000,
    ml_referrals_per_year=1200,
    housing_share=0.5,
    invitation_share=0.2,
    reminder_share=0.3,
    escalation_share=0.1,
    placement_share=0.5,
    answered_share=0.7,
    views_per_answer=2.0,
    sms_share=0.1,
)


@pytest.mark.parametrize(
    ("expression", "per_month"),
    [
        ("rate(5 minutes)", 8766.0),
        ("rate(1 hour)", 730.5),
        ("cron(0 5 * * ? *)", 30.4375),
        ("cron(0 6 ? * MON *)", 365.25 / 12 / 7),
        ("cron(0/15 8-17 ? * MON-FRI *)", 4 * 10 * 5 * 365.25 / 12 / 7),
    ],
)
def test_schedule_expressions_become_invocations_per_month(expression, per_month):
    assert schedule_invocations(expression) == pytest.approx(per_month)


def test_national_volumes_follow_the_scenario_shares():
    # Given 100 mission-locale referrals a month, half of them also needing housing
    events = monthly_events(SMALL, measured())
    # Then 150 partner referrals, and 20 invitations on top
    assert events["referral_created"] == pytest.approx(170)
    assert events["reminder_queued"] == pytest.approx(45)  # 30 % of 150
    assert events["message_queued"] == pytest.approx(15 + 50)  # escalations + placement notices
    assert events["ack_answer"] == pytest.approx(105)
    assert events["ack_view"] == pytest.approx(210)
    digests = 0.02 * (1200 / 2) * WEEKS_PER_MONTH  # per youth less than 6 months from 18
    assert events["message_sent"] == pytest.approx(170 + 45 + 65 + digests)
    assert events["sms"] == pytest.approx((150 + 45) * 0.1)
    assert events["upload"] == pytest.approx(10 * WEEKS_PER_MONTH)
    assert events["idle_dispatch"] == 100.0


def test_dynamodb_lines_multiply_unit_capacity_by_volume_and_price():
    # Given each referral created costs 4 RRU and 10 WRU, and nothing else costs capacity
    result = estimate(SMALL, measured(referral_created=Unit(rru=4, wru=10)), UNIT_PRICES)
    lines = {line.item: line for line in result.lines}
    # Then 170 referrals a month → 680 RRU and 1,700 WRU, at $1 a million
    assert lines["read request units"].quantity == pytest.approx(680)
    assert lines["read request units"].usd == pytest.approx(680 / 1e6)
    assert lines["write request units"].usd == pytest.approx(1700 / 1e6)
    assert result.total == pytest.approx(sum(line.usd for line in result.lines))


def test_lambda_duration_uses_each_functions_memory():
    units = {"ack_answer": Unit(seconds=2.0, function="api"), "idle_dispatch": Unit(seconds=1.0)}
    result = estimate(SMALL, measured(**units), UNIT_PRICES)
    duration = next(line for line in result.lines if line.item == "duration (x86)")
    # 105 answers × 2 s × 1 GB + 100 idle runs × 1 s × 0.5 GB
    assert duration.quantity == pytest.approx(105 * 2 * 1.0 + 100 * 1 * 0.5)


def test_sms_are_billed_per_part():
    result = estimate(SMALL, measured(), UNIT_PRICES)
    sms = next(line for line in result.lines if line.service == "SNS" and "SMS" in line.item)
    assert sms.quantity == pytest.approx(19.5 * 2)


def test_national_metric_hours_are_capped_by_the_hours_a_metric_can_receive_data():
    # Given every message sent emits one blob, far more than the hours they can fall in
    many = replace(SMALL, youths=10_000_000)
    result = estimate(many, measured(message_sent=Unit(emf_blobs=1.0)), UNIT_PRICES)
    metrics = next(line for line in result.lines if line.item == "custom metrics (EMF)")
    hours, variants = cost_model.METRIC_HOURS["message_sent"]
    # national series (no department dimension), plus the Department series of the rare
    # escalations, one metric-hour each at most
    assert metrics.quantity == pytest.approx(hours * variants + result.volumes["escalations"])
    assert metrics.usd == pytest.approx(metrics.quantity / cost_model.HOURS_PER_MONTH)


def test_work_queues_are_billed_per_request_idle_polling_included():
    result = estimate(SMALL, measured(), UNIT_PRICES)
    sqs = next(line for line in result.lines if line.service == "SQS")
    items = result.volumes["work_items"]
    assert items == pytest.approx(
        SMALL.departments * (6 * cost_model.DAYS_PER_MONTH + cost_model.WEEKS_PER_MONTH)
    )
    idle = cost_model.WORK_QUEUES * cost_model.IDLE_RECEIVES_PER_QUEUE
    assert sqs.quantity == pytest.approx(items * cost_model.SQS_REQUESTS_PER_ITEM + idle)


def test_arm64_functions_are_priced_at_the_arm64_rate():
    prices = {**UNIT_PRICES, "lambda_gb_second_arm64": 0.5}
    arm = replace(measured(ack_answer=Unit(seconds=2.0, function="api")), arm64=True)
    result = estimate(SMALL, arm, prices)
    duration = next(line for line in result.lines if line.item == "duration (arm64)")
    assert duration.usd == pytest.approx(duration.quantity * 0.5)


def test_the_budget_is_read_without_sms():
    result = estimate(SMALL, measured(), UNIT_PRICES)
    sms = sum(line.usd for line in result.lines if "SMS" in line.item)
    assert sms > 0
    assert cost_model.total_without_sms(result) == pytest.approx(result.total - sms)


def test_waf_bills_each_web_acl_and_rule_by_the_month_and_every_api_request_it_inspects():
    # Given one web ACL with two rules on the API stage
    result = estimate(SMALL, replace(measured(), web_acls=1, waf_rules=2), UNIT_PRICES)
    api = next(line for line in result.lines if line.service == "API Gateway")
    waf = next(line for line in result.lines if line.service == "WAF")
    # Then it inspects every API request, and costs its fixed fees even when the API is idle
    assert waf.quantity == pytest.approx(api.quantity)
    assert waf.usd == pytest.approx(1 + 2 + api.quantity / 1e6)
    assert waf.usd < cost_model.total_without_sms(result)


def test_without_a_web_acl_waf_costs_nothing():
    result = estimate(SMALL, measured(), UNIT_PRICES)
    waf = next(line for line in result.lines if line.service == "WAF")
    assert (waf.quantity, waf.usd) == (0, 0)


def test_waf_rules_are_counted_from_the_web_acls_declared_in_the_template(tmp_path):
    (tmp_path / "resources.yaml").write_text(
        """Resources:
  Acl:
    Type: AWS::WAFv2::WebACL
    Properties:
      Name: !Sub relais-${Stage}-api
      Rules:
        - {Name: per-key, Statement: {RateBasedStatement: {Limit: !Ref Limit}}}
        - Name: known-bad-inputs
          Statement: {ManagedRuleGroupStatement: {VendorName: AWS, Name: X}}
  Association:
    Type: AWS::WAFv2::WebACLAssociation
    Properties: {WebACLArn: !GetAtt Acl.Arn}
""",
        encoding="utf-8",
    )
    assert waf_counts(tmp_path) == (1, 2)


def test_the_cost_model_counts_every_waf_rule_of_the_real_template():
    acls = resources_of(load_template(RESOURCES), "AWS::WAFv2::WebACL")
    rules = sum(len(acl["Properties"].get("Rules", [])) for acl in acls.values())
    assert waf_counts() == (len(acls), rules)


def test_storage_counts_each_item_once_per_index_it_belongs_to():
    # Given a million youths of 924 bytes (+100 of DynamoDB overhead), each in 2 GSIs
    result = estimate(replace(SMALL, youths=1_000_000), measured(), UNIT_PRICES)
    storage = next(line for line in result.lines if line.item == "storage (tables + GSIs)")
    assert "youths 2.86 GB" in storage.note  # 1e6 × 1,024 B × 3 copies


def test_item_size_follows_dynamodb_rules():
    assert item_size({"id": {"S": "abc"}}) == 2 + 3
    assert item_size({"n": {"N": "123"}}) == 1 + 3  # ceil(3 digits / 2) + 1
    assert item_size({"m": {"M": {"a": {"S": "x"}}}}) == 1 + 3 + (1 + 1 + 1)
    assert item_size({"l": {"L": [{"BOOL": True}, {"NULL": True}]}}) == 1 + 3 + 2 * (1 + 1)


@pytest.mark.parametrize(("length", "parts"), [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3)])
def test_an_sms_is_billed_in_gsm_parts(length, parts):
    assert sms_segments("a" * length) == parts


def test_capacity_bills_reads_per_4kb_and_writes_per_kb_in_every_index():
    reading = Reading(
        calls=Counter({("dynamodb", "Query"): 1, ("dynamodb", "TransactWriteItems"): 1}),
        items_read=Counter({"relais-dev-youths": 8}),
        items_written=Counter({"relais-dev-youths": 25, "relais-dev-referrals": 1}),
        transact_items=Counter({"relais-dev-referrals": 1}),
    )
    sizes = {"youths": 1024.0, "referrals": 3000.0}
    gsis = {"youths": 2.0, "referrals": 4.0}
    rru, wru = capacity(reading, sizes, gsis)
    assert rru == pytest.approx(0.5 * 1 + 0.5 * 8 * 1024 / 4096)
    # 25 plain writes of 1 KB in the table and 2 GSIs; one transactional 3 KB write in 5 places
    assert wru == pytest.approx(25 * 1 * 3 + 2 * 3 * 5)


def test_the_price_file_names_a_source_for_every_price_the_model_uses():
    content = json.loads(cost_model.PRICES_FILE.read_text())
    assert content["region"] == "eu-west-3"
    assert content["currency"] == "USD"
    assert set(load_prices()) == set(UNIT_PRICES)
    for name, entry in content["prices"].items():
        assert entry["usd"] > 0, name
        assert entry["source"], name
        assert isinstance(entry["verified"], bool), name
    # and the model runs on it
    assert estimate(Scenario(), measured(), load_prices()).total > 0
