# The rate alarms notify like the count alarms: the topic on ALARM, and on OK unless enable_ok_actions is false.
# Both API types, because their rate alarms are built differently (REST: the Average of 4XXError/5XXError; HTTP:
# metric math over the sums). The topic ARNs are distinctive and known at plan: an existing topic's is an input, a
# created topic's is overridden during plan.

mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  name                     = "orders-api"
  access_log_group_name    = "/aws/apigateway/orders-api-accesslog"
  create_error_rate_alarms = true
  rest_api_name            = "orders"
  http_api_id              = "h1t2p3a4p5"
  stage_name               = "prod"
  create_sns_topic         = false
  sns_topic_arn            = "arn:aws:sns:eu-west-1:123456789012:rate-alarms-wired-here"
}

run "rest_rate_alarms_notify_the_topic_on_alarm_and_on_ok" {
  command = plan

  assert {
    condition     = keys(aws_cloudwatch_metric_alarm.rate) == ["4xx", "5xx"] && aws_cloudwatch_metric_alarm.rate["5xx"].statistic == "Average"
    error_message = "A REST API gets both rate alarms, on the Average of its error metrics."
  }

  assert {
    condition = alltrue([for alarm in aws_cloudwatch_metric_alarm.rate :
      alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:rate-alarms-wired-here"])
    ])
    error_message = "Each REST rate alarm must notify the given topic on ALARM."
  }

  assert {
    condition = alltrue([for alarm in aws_cloudwatch_metric_alarm.rate :
      alarm.ok_actions == toset(["arn:aws:sns:eu-west-1:123456789012:rate-alarms-wired-here"])
    ])
    error_message = "Each REST rate alarm must notify the given topic on OK too (enable_ok_actions defaults to true)."
  }
}

run "http_rate_alarms_notify_the_topic_on_alarm_and_on_ok" {
  command = plan

  variables {
    api_type   = "HTTP"
    stage_name = "$default"
  }

  assert {
    condition     = keys(aws_cloudwatch_metric_alarm.rate) == ["4xx", "5xx"] && length(aws_cloudwatch_metric_alarm.rate["5xx"].metric_query) == 3
    error_message = "An HTTP API gets both rate alarms, as metric math."
  }

  assert {
    condition = alltrue([for alarm in aws_cloudwatch_metric_alarm.rate :
      alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:rate-alarms-wired-here"])
    ])
    error_message = "Each HTTP rate alarm must notify the given topic on ALARM."
  }

  assert {
    condition = alltrue([for alarm in aws_cloudwatch_metric_alarm.rate :
      alarm.ok_actions == toset(["arn:aws:sns:eu-west-1:123456789012:rate-alarms-wired-here"])
    ])
    error_message = "Each HTTP rate alarm must notify the given topic on OK too (enable_ok_actions defaults to true)."
  }
}

run "rate_alarms_notify_the_topic_the_module_creates" {
  command = plan

  variables {
    create_sns_topic = true
    sns_topic_arn    = null
  }

  override_resource {
    target          = aws_sns_topic.this
    override_during = plan
    values = {
      arn = "arn:aws:sns:eu-west-1:123456789012:rate-alarms-created-topic"
    }
  }

  assert {
    condition = alltrue([for alarm in aws_cloudwatch_metric_alarm.rate :
      alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:rate-alarms-created-topic"]) &&
      alarm.ok_actions == toset(["arn:aws:sns:eu-west-1:123456789012:rate-alarms-created-topic"])
    ]) && length(aws_cloudwatch_metric_alarm.rate) == 2
    error_message = "Both rate alarms must notify the created topic on ALARM and on OK."
  }
}

run "rest_rate_alarms_without_ok_actions_notify_only_on_alarm" {
  command = plan

  variables {
    enable_ok_actions = false
  }

  assert {
    condition = alltrue([for alarm in aws_cloudwatch_metric_alarm.rate :
      alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:rate-alarms-wired-here"]) && length(coalesce(alarm.ok_actions, toset([]))) == 0
    ]) && length(aws_cloudwatch_metric_alarm.rate) == 2
    error_message = "With enable_ok_actions false, the REST rate alarms notify the topic on ALARM only."
  }
}

run "http_rate_alarms_without_ok_actions_notify_only_on_alarm" {
  command = plan

  variables {
    api_type          = "HTTP"
    stage_name        = "$default"
    enable_ok_actions = false
  }

  assert {
    condition = alltrue([for alarm in aws_cloudwatch_metric_alarm.rate :
      alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:rate-alarms-wired-here"]) && length(coalesce(alarm.ok_actions, toset([]))) == 0
    ]) && length(aws_cloudwatch_metric_alarm.rate) == 2
    error_message = "With enable_ok_actions false, the HTTP rate alarms notify the topic on ALARM only."
  }
}
