# Who may invoke the function, checked at plan with values that can only have come from where they belong: the
# alarm topic is an input, and the function's and the rule's ARNs are overridden during plan with distinctive
# values (a bare mock provider would leave them unknown at plan). The emulator enforces no resource policy, so this
# is where a missing or wrong source_arn is caught.

mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  name              = "orders-api"
  log_group_names   = ["/aws/apigateway/orders-api-accesslog"]
  slack_webhook_url = "https://hooks.slack.com/services/T000/B000/XXXX"
  # Every run gives a token, as in notifier.tftest.hcl; the webhook delivery ignores it.
  slack_bot_token            = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
  enable_alarm_digest        = true
  alarm_digest_sns_topic_arn = "arn:aws:sns:eu-west-1:123456789012:digest-wiring-alarm-topic"
  alarm_digest_alarm_names   = ["orders-api-5xx"]
}

override_resource {
  target          = aws_lambda_function.this
  override_during = plan
  values = {
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:digest-wiring-function"
  }
}

override_resource {
  target          = aws_cloudwatch_event_rule.this
  override_during = plan
  values = {
    arn = "arn:aws:events:eu-west-1:123456789012:rule/digest-wiring-schedule"
  }
}

run "only_the_alarm_topic_may_invoke_the_function_for_a_digest" {
  command = plan

  assert {
    condition     = length(aws_lambda_permission.alarm_digest) == 1 && aws_lambda_permission.alarm_digest[0].principal == "sns.amazonaws.com" && aws_lambda_permission.alarm_digest[0].action == "lambda:InvokeFunction"
    error_message = "SNS must be allowed to invoke the function for the alarm digest."
  }

  assert {
    condition     = aws_lambda_permission.alarm_digest[0].source_arn == "arn:aws:sns:eu-west-1:123456789012:digest-wiring-alarm-topic"
    error_message = "The alarm-digest permission must be limited to the given topic (source_arn), or any SNS topic could invoke the function."
  }

  assert {
    condition     = aws_lambda_permission.alarm_digest[0].function_name == "orders-api-accesslog-notifier" && aws_lambda_permission.alarm_digest[0].function_name == aws_lambda_function.this.function_name
    error_message = "The alarm-digest permission must be on this function."
  }

  assert {
    condition     = aws_sns_topic_subscription.alarm_digest[0].topic_arn == "arn:aws:sns:eu-west-1:123456789012:digest-wiring-alarm-topic" && aws_sns_topic_subscription.alarm_digest[0].protocol == "lambda" && aws_sns_topic_subscription.alarm_digest[0].endpoint == "arn:aws:lambda:eu-west-1:123456789012:function:digest-wiring-function"
    error_message = "The function must subscribe to the given topic."
  }
}

run "only_the_schedule_rule_may_invoke_the_function_on_schedule" {
  command = plan

  assert {
    condition     = aws_lambda_permission.events.principal == "events.amazonaws.com" && aws_lambda_permission.events.source_arn == "arn:aws:events:eu-west-1:123456789012:rule/digest-wiring-schedule"
    error_message = "EventBridge must be allowed to invoke the function only from this module's rule (source_arn)."
  }

  assert {
    condition     = aws_lambda_permission.events.function_name == "orders-api-accesslog-notifier" && aws_cloudwatch_event_target.this.arn == "arn:aws:lambda:eu-west-1:123456789012:function:digest-wiring-function"
    error_message = "The schedule's permission and target must be this function."
  }
}

run "no_alarm_digest_no_subscription_and_no_sns_permission" {
  command = plan

  variables {
    enable_alarm_digest        = false
    alarm_digest_sns_topic_arn = null
    alarm_digest_alarm_names   = []
  }

  assert {
    condition     = length(aws_lambda_permission.alarm_digest) == 0 && length(aws_sns_topic_subscription.alarm_digest) == 0
    error_message = "Without the alarm digest, no topic may invoke the function."
  }
}
