"""examples/http-api applied to moto: an HTTP API's access logs, both methods, the alarm digest, noise controls.

Traffic is written through the stage's own access-log format (as API Gateway would fill it); the deployed
notifier's code and environment run in-process (moto cannot run Lambda code). The alarm digest gets the message
CloudWatch would publish, published to the real topic on the emulator and handed to the function as SNS hands it
(moto neither evaluates alarms nor delivers SNS to Lambda).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator

import pytest
from accesslog_notifier.handler import Dependencies, lambda_handler
from accesslog_notifier.insights import Clock
from accesslog_notifier.slack import urllib_post
from apigw_devkit.lambda_events import WallClockContext, next_scheduled_minutes, scheduled_event, window_of
from apigw_devkit.slack_receiver import SlackReceiver

from tests.support.deployment import PLAN_NO_CHANGES, Deployment, deployed_example
from tests.support.notifier import alarm_event, put_events
from tools.demo import render_access_log_line

pytestmark = [pytest.mark.integration, pytest.mark.moto, pytest.mark.slack_receiver]

NAME = "example-http-api"


@pytest.fixture(scope="module")
def slack() -> Iterator[SlackReceiver]:
    with SlackReceiver() as receiver:
        yield receiver


@pytest.fixture(scope="module")
def applied_once(module_aws, terraform_env, slack, tmp_path_factory) -> Iterator[Deployment]:
    with deployed_example(
        "http-api",
        tmp_path_factory.mktemp("http-api"),
        {**module_aws, **terraform_env},
        secret_variables={"slack_webhook_url": slack.webhook_url},
    ) as deployment:
        yield deployment


@pytest.fixture
def http_api(applied_once: Deployment) -> Deployment:
    """The example, applied (again if a test destroyed it): each test runs alone or in any order."""
    return applied_once.applied()


def _stage(http_api: Deployment) -> dict:
    return http_api.client("apigatewayv2").get_stage(ApiId=http_api.outputs["api_id"], StageName="$default")


def line(access_format: str, api_id: str, route_key: str, status: int, request_id: str, at_ms: int) -> str:
    method, _, path = route_key.partition(" ")
    values = {
        "$context.requestId": request_id,
        "$context.routeKey": route_key,
        "$context.httpMethod": method,
        "$context.path": path.replace("{id}", "42"),
        "$context.status": status,
        "$context.apiId": api_id,
        "$context.stage": "$default",
        "$context.requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(at_ms // 1000)),
        "$context.integrationErrorMessage": "-" if status < 500 else "The Lambda function returned an error",
    }
    return render_access_log_line(access_format, values)


def test_the_stage_logs_json_with_a_route_key_and_a_numeric_status(http_api: Deployment) -> None:
    settings = _stage(http_api)["AccessLogSettings"]
    group = http_api.client("logs").describe_log_groups(logGroupNamePrefix=http_api.outputs["access_log_group_name"])
    assert settings["DestinationArn"] == group["logGroups"][0]["arn"].removesuffix(":*")
    example = json.loads(settings["Format"].replace("$context.status", "504"))
    assert example["status"] == 504 and example["routeKey"] == "$context.routeKey"
    assert "resourcePath" not in example and "xrayTraceId" not in example  # HTTP APIs have neither


def test_the_stage_takes_metrics_and_throttling_from_the_module(http_api: Deployment) -> None:
    route_settings = _stage(http_api)["DefaultRouteSettings"]
    assert route_settings["DetailedMetricsEnabled"] is True
    assert (route_settings["ThrottlingBurstLimit"], route_settings["ThrottlingRateLimit"]) == (100, 50.0)


def test_no_account_role_and_no_execution_logs(http_api: Deployment) -> None:
    assert [
        role["RoleName"] for role in http_api.client("iam").list_roles()["Roles"] if "apigateway" in role["RoleName"]
    ] == []
    groups = http_api.client("logs").describe_log_groups()["logGroups"]
    assert not any(group["logGroupName"].startswith("API-Gateway-Execution-Logs") for group in groups)


def test_the_filters_leave_out_ignored_statuses_and_routes_and_a_rate_alarm_reads_the_api(http_api: Deployment) -> None:
    patterns = http_api.outputs["metric_filter_patterns"]
    for pattern in patterns.values():
        assert "$.status != 404" in pattern and '$.routeKey != "GET /health"' in pattern
    alarms = {alarm["AlarmName"]: alarm for alarm in http_api.client("cloudwatch").describe_alarms()["MetricAlarms"]}
    rate = alarms[f"{NAME}-5xx-rate"]
    # Metric math over the documented sums (AWS documents no Average rate for an HTTP API's 5xx): errors / Count.
    assert "MetricName" not in rate and rate["Threshold"] == 0.05
    queries = {query["Id"]: query for query in rate["Metrics"]}
    assert queries["rate"]["Expression"] == "FILL(errors, 0) / requests" and queries["rate"]["ReturnData"] is True
    for query_id, metric_name in (("errors", "5xx"), ("requests", "Count")):
        stat = queries[query_id]["MetricStat"]
        assert (stat["Metric"]["Namespace"], stat["Metric"]["MetricName"], stat["Stat"]) == (
            "AWS/ApiGateway",
            metric_name,
            "Sum",
        )
        assert {d["Name"]: d["Value"] for d in stat["Metric"]["Dimensions"]} == {
            "ApiId": http_api.outputs["api_id"],
            "Stage": "$default",
        }


def _notifier(http_api: Deployment) -> tuple[dict, Dependencies]:
    configuration = http_api.client("lambda").get_function_configuration(
        FunctionName=http_api.outputs["notifier_function_name"]
    )
    environment = {**configuration["Environment"]["Variables"], "AWS_REGION": "us-east-1"}
    fetch = {environment["WEBHOOK_PARAMETER_NAME"]: None}
    ssm = http_api.client("ssm")

    def webhook(name: str) -> str:
        fetch[name] = fetch[name] or ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
        return fetch[name]

    return environment, Dependencies(http_api.client("logs"), webhook, urllib_post, Clock())


def test_errors_reach_the_receiver_in_a_digest_that_names_routes(http_api: Deployment, slack: SlackReceiver) -> None:
    [minute] = next_scheduled_minutes(1)
    start, end = window_of(minute)
    access_format = _stage(http_api)["AccessLogSettings"]["Format"]
    api_id = http_api.outputs["api_id"]
    rng = random.Random(11)  # noqa: S311 - test data
    written = []
    for index in range(120):
        route, status = rng.choice(
            [
                ("GET /items/{id}", 200),
                ("GET /items/{id}", 502),
                ("POST /orders", 503),
                ("GET /health", 500),
                ("POST /orders", 404),
            ]
        )
        written.append((start + index * 2000, route, status))
    put_events(
        http_api.client("logs"),
        http_api.outputs["access_log_group_name"],
        [
            (at, line(access_format, api_id, route, status, f"r{i}", at))
            for i, (at, route, status) in enumerate(written)
        ],
    )
    errors = [
        (route, status) for _, route, status in written if status >= 400 and status != 404 and route != "GET /health"
    ]
    environment, dependencies = _notifier(http_api)
    posted = len(slack.posts)

    summary = lambda_handler(
        scheduled_event(minute), WallClockContext(), dependencies=dependencies, environ=environment
    )

    assert summary["errors"] == len(errors) and summary["ignored"] == sum(1 for _, r, s in written if s == 404)
    [post] = slack.wait_for_posts(posted + 1)[posted:]
    routes = post.payload["blocks"][2]["text"]["text"]
    for route in {route for route, _ in errors}:
        assert f"`{route}`  {sum(1 for r, _ in errors if r == route)} of " in routes
    counted = json.dumps(post.payload["blocks"][1:])  # by status, by route, samples
    assert "GET /health" not in counted and "`404`" not in counted
    assert "Not counted:" in post.payload["blocks"][0]["text"]["text"]  # and says so
    assert end > start


def test_an_alarm_message_published_to_the_topic_gives_an_alarm_digest_in_one_invocation(
    http_api: Deployment, slack: SlackReceiver, load_fixture
) -> None:
    minute = next_scheduled_minutes(4)[-1]  # a window no other test writes to
    change_ms = window_of(minute)[0] + 200_000
    access_format = _stage(http_api)["AccessLogSettings"]["Format"]
    group = http_api.outputs["access_log_group_name"]
    logs = http_api.client("logs")
    logs.create_log_stream(logGroupName=group, logStreamName="alarm")
    logs.put_log_events(
        logGroupName=group,
        logStreamName="alarm",
        logEvents=[
            {
                "timestamp": change_ms - 20_000,
                "message": line(
                    access_format,
                    http_api.outputs["api_id"],
                    "POST /orders",
                    503,
                    "during-the-alarm",
                    change_ms - 20_000,
                ),
            }
        ],
    )
    message = {
        **load_fixture("cloudwatch-alarm-message.json"),
        "AlarmName": f"{NAME}-5xx",
        "AlarmArn": http_api.outputs["alarm_arns"]["5xx"],
        "StateChangeTime": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(change_ms // 1000)) + ".000+0000",
    }
    topic = http_api.outputs["sns_topic_arn"]
    http_api.client("sns").publish(
        TopicArn=topic, Message=json.dumps(message), Subject="ALARM"
    )  # accepted by the topic
    environment, dependencies = _notifier(http_api)
    posted = len(slack.posts)

    summary = lambda_handler(
        alarm_event(message, topic), WallClockContext(), dependencies=dependencies, environ=environment
    )

    assert (summary["kind"], summary["alarm"], summary["errors"]) == ("alarm", f"{NAME}-5xx", 1)
    [post] = slack.wait_for_posts(posted + 1)[posted:]
    assert f"alarm `{NAME}-5xx` went to ALARM" in post.payload["blocks"][0]["text"]["text"]
    assert "requestId `during-the-alarm`" in json.dumps(post.payload)


def test_second_plan_shows_no_changes(http_api: Deployment) -> None:
    exit_code, output = http_api.plan_exit_code()
    assert exit_code == PLAN_NO_CHANGES, output


def test_destroy_removes_what_was_created(http_api: Deployment) -> None:
    http_api.destroy()
    assert http_api.client("apigatewayv2").get_apis()["Items"] == []
    assert http_api.client("cloudwatch").describe_alarms()["MetricAlarms"] == []
    assert http_api.client("lambda").list_functions()["Functions"] == []
