"""examples/minimal applied to moto's server: method 1 only, on an access-log group that already exists."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from tests.support.deployment import PLAN_NO_CHANGES, Deployment, deployed_example

pytestmark = [pytest.mark.integration, pytest.mark.moto]

EXISTING_GROUP = "/teams/orders/prod-accesslog"


@pytest.fixture(scope="module")
def applied_once(module_aws: dict[str, str], terraform_env: dict[str, str], tmp_path_factory) -> Iterator[Deployment]:
    boto3.client("logs").create_log_group(logGroupName=EXISTING_GROUP)
    with deployed_example(
        "minimal",
        tmp_path_factory.mktemp("minimal"),
        {**module_aws, **terraform_env},
        variables={"access_log_group_name": EXISTING_GROUP},
    ) as deployment:
        yield deployment


@pytest.fixture
def minimal(applied_once: Deployment) -> Deployment:
    """The example, applied (again if a test destroyed it): each test runs alone or in any order."""
    return applied_once.applied()


def test_only_the_5xx_filter_and_alarm_exist(minimal: Deployment) -> None:
    filters = minimal.client("logs").describe_metric_filters(logGroupName=EXISTING_GROUP)["metricFilters"]
    assert [(f["filterName"], f["filterPattern"]) for f in filters] == [("minimal-api-5xx", "{ $.status >= 500 }")]
    alarms = minimal.client("cloudwatch").describe_alarms()["MetricAlarms"]
    assert [alarm["AlarmName"] for alarm in alarms] == ["minimal-api-5xx"]
    assert alarms[0]["AlarmActions"] == [minimal.outputs["sns_topic_arn"]]
    assert alarms[0]["OKActions"] == [minimal.outputs["sns_topic_arn"]]


def test_nothing_else_is_touched(minimal: Deployment) -> None:
    assert minimal.client("iam").list_roles()["Roles"] == []
    assert "cloudwatchRoleArn" not in minimal.client("apigateway").get_account()
    assert [group["logGroupName"] for group in minimal.client("logs").describe_log_groups()["logGroups"]] == [
        EXISTING_GROUP
    ]


def test_second_plan_shows_no_changes(minimal: Deployment) -> None:
    exit_code, output = minimal.plan_exit_code()
    assert exit_code == PLAN_NO_CHANGES, output


def test_destroy_keeps_the_existing_log_group(minimal: Deployment) -> None:
    minimal.destroy()
    logs = minimal.client("logs")
    assert [group["logGroupName"] for group in logs.describe_log_groups()["logGroups"]] == [EXISTING_GROUP]
    assert logs.describe_metric_filters(logGroupName=EXISTING_GROUP)["metricFilters"] == []
