"""The resource-policy evaluator the topic- and key-policy tests rely on, checked against the IAM User Guide's rules."""

from __future__ import annotations

import pytest

from tests.support.iam_policy import ALLOW, DENY, IMPLICIT_DENY, Request, evaluate

TOPIC = "arn:aws:sns:eu-west-1:111122223333:alerts"
ALARM = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:orders-5xx"
PUBLISH_FOR_ALARMS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": "SNS:Publish",
            "Resource": TOPIC,
            "Condition": {
                "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:orders-*"},
                "StringEquals": {"aws:SourceAccount": "111122223333"},
            },
        }
    ],
}


def publish(source_arn: str, account: str = "111122223333", action: str = "sns:Publish") -> Request:
    context = {"aws:SourceArn": source_arn, "aws:SourceAccount": account}
    return Request(action, TOPIC, service_principal="cloudwatch.amazonaws.com", context=context)


def test_a_matching_alarm_may_publish_and_action_names_ignore_case():
    assert evaluate(PUBLISH_FOR_ALARMS, publish(ALARM)) == ALLOW


@pytest.mark.parametrize(
    "request_",
    [
        publish("arn:aws:cloudwatch:eu-west-1:111122223333:alarm:billing-5xx"),  # another name
        publish("arn:aws:cloudwatch:eu-west-1:444455556666:alarm:orders-5xx", account="444455556666"),  # deputy
        publish(ALARM, account="444455556666"),  # the account condition alone refuses
        publish(ALARM, action="sns:Subscribe"),
        Request("sns:Publish", TOPIC, service_principal="events.amazonaws.com", context={"aws:SourceArn": ALARM}),
        Request("sns:Publish", TOPIC, service_principal="cloudwatch.amazonaws.com"),  # no source: condition fails
        Request("sns:Publish", TOPIC + "-2", service_principal="cloudwatch.amazonaws.com", context={}),
    ],
)
def test_anything_else_is_implicitly_denied(request_):
    assert evaluate(PUBLISH_FOR_ALARMS, request_) == IMPLICIT_DENY


def test_account_root_principal_means_every_principal_of_that_account():
    policy = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "*"}]}
    same = Request("SNS:Subscribe", TOPIC, principal_arn="arn:aws:iam::111122223333:role/ops")
    other = Request("SNS:Subscribe", TOPIC, principal_arn="arn:aws:iam::444455556666:role/ops")
    assert (evaluate(policy, same), evaluate(policy, other)) == (ALLOW, IMPLICIT_DENY)


def test_an_explicit_deny_wins():
    policy = {"Statement": [*PUBLISH_FOR_ALARMS["Statement"], {**PUBLISH_FOR_ALARMS["Statement"][0], "Effect": "Deny"}]}
    assert evaluate(policy, publish(ALARM)) == DENY


def test_a_negated_operator_holds_when_the_key_is_missing():
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:SourceAccount": "444455556666"}},
            }
        ]
    }
    assert evaluate(policy, Request("x:Y", "z")) == ALLOW
    assert evaluate(policy, Request("x:Y", "z", context={"aws:SourceAccount": "444455556666"})) == IMPLICIT_DENY


def test_an_unknown_operator_is_refused_rather_than_guessed():
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "*",
                "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
            }
        ]
    }
    with pytest.raises(ValueError, match="IpAddress"):
        evaluate(policy, Request("x:Y", "z", context={"aws:SourceIp": "10.1.2.3"}))
