"""End to end, the same test on the emulator and on a real account: examples/complete applied, requests sent to
the stage, the deployed notifier invoked with a scheduled event, its digest and (on AWS) the alarm checked, all
destroyed. tests/support/targets.py says what differs between the two; ``make test-aws`` runs the AWS side
(skipped unless APIGW_TEST_AWS=1 with credentials; it prints what it cost).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from apigw_devkit.slack_receiver import SlackReceiver

from tests.support.deployment import Deployment, deployed_example
from tests.support.targets import EmulatorTarget, Request, Target, aws_target_or_reason

pytestmark = [pytest.mark.integration, pytest.mark.moto, pytest.mark.slack_receiver]

# What the example's backend answers: ?status=NNN makes it answer NNN (source_code/backend/backend.py).
REQUESTS = [
    *[Request("orders", 200)] * 6,
    *[Request("orders?status=503", 503)] * 3,
    *[Request("orders?status=404", 404)] * 2,
    Request("orders?status=500", 500),
    # examples/complete ignores the route "DELETE /orders": written to the log, counted by neither method.
    *[Request("orders?status=503", 503, method="DELETE")] * 2,
]
COUNTED = [request for request in REQUESTS if request.method != "DELETE"]
ERRORS = sum(1 for request in COUNTED if request.status >= 400)
SERVER_ERRORS = sum(1 for request in COUNTED if request.status >= 500)


@pytest.fixture(scope="module", params=["emulator", "aws"])
def deployed(request: pytest.FixtureRequest, terraform_env: dict[str, str], tmp_path_factory) -> Iterator:
    started = time.monotonic()
    if request.param == "emulator":
        module_aws = request.getfixturevalue("module_aws")
        with (
            SlackReceiver() as receiver,
            deployed_example(
                "complete",
                tmp_path_factory.mktemp("end-to-end"),
                {**module_aws, **terraform_env},
                secret_variables={"slack_webhook_url": receiver.webhook_url},
            ) as deployment,
        ):
            yield EmulatorTarget(receiver), deployment
        return
    target, reason = aws_target_or_reason()
    if target is None:
        pytest.skip(reason)
    with deployed_example(
        "complete",
        tmp_path_factory.mktemp("end-to-end-aws"),
        terraform_env,
        variables={
            "name": f"e2e-{int(time.time()) % 100000}",
            "create_account_setting": os.environ.get("APIGW_TEST_ACCOUNT_SETTING", "true") == "true",
        },
        secret_variables={"slack_webhook_url": os.environ["APIGW_TEST_SLACK_WEBHOOK_URL"]},
    ) as deployment:
        yield target, deployment
    print(f"\nreal-AWS run: {target.cost_report((time.monotonic() - started) / 60)}")


def test_errors_sent_to_the_stage_are_reported_once_exactly(deployed: tuple[Target, Deployment]) -> None:
    target, deployment = deployed
    deployment.applied()
    window = target.window_for_traffic(deployment)

    target.send(deployment, REQUESTS, window)
    target.wait_for_lines(deployment, window, count=len(REQUESTS))
    rule_arn = deployment.client("events").describe_rule(Name=deployment.outputs["notifier_rule_name"])["Arn"]
    summary = target.invoke_notifier(deployment, window.event(rule_arn))

    assert (summary["errors"], summary["requests"], summary["unparsed"]) == (ERRORS, len(COUNTED), 0)
    assert summary["complete"] is True and summary["reported"] is True and summary["messages_sent"] == 1
    messages = target.slack_messages()
    if messages is not None:  # a real channel cannot be read back; the summary says it was delivered
        [message] = messages
        assert f"*{ERRORS}* errors in {len(COUNTED)} requests" in message["blocks"][0]["text"]["text"]


def test_the_5xx_alarm_fires_on_the_same_errors(deployed: tuple[Target, Deployment]) -> None:
    target, deployment = deployed
    if not target.evaluates_alarms:
        pytest.skip("moto stores alarms but never evaluates them (their settings are checked at plan time)")
    deployment.applied()
    window = target.window_for_traffic(deployment)

    target.send(deployment, [Request("orders?status=503", 503)] * SERVER_ERRORS, window)

    assert target.alarm_state(deployment, deployment.outputs["alarm_arns"]["5xx"], "ALARM") == "ALARM"
