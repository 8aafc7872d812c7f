mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  name                  = "orders-api"
  access_log_group_name = "/aws/apigateway/orders-api-accesslog"
}

run "defaults_match_the_original_design_per_class" {
  command = apply

  assert {
    condition     = aws_cloudwatch_log_metric_filter.this["4xx"].pattern == "{ $.status >= 400 && $.status <= 499 }"
    error_message = "The 4xx filter must count 400-499."
  }

  assert {
    condition     = aws_cloudwatch_log_metric_filter.this["5xx"].pattern == "{ $.status >= 500 }"
    error_message = "The 5xx filter must count 500 and above."
  }

  assert {
    condition = alltrue([for filter in aws_cloudwatch_log_metric_filter.this :
      filter.log_group_name == "/aws/apigateway/orders-api-accesslog" &&
      filter.metric_transformation[0].namespace == "LogMetrics" &&
      filter.metric_transformation[0].value == "1"
    ])
    error_message = "Filters watch the log group and count 1 per line in LogMetrics."
  }

  assert {
    condition = alltrue([for alarm in aws_cloudwatch_metric_alarm.this :
      alarm.period == 60 && alarm.evaluation_periods == 1 && alarm.statistic == "Sum" && alarm.threshold == 1 &&
      alarm.comparison_operator == "GreaterThanOrEqualToThreshold" && alarm.treat_missing_data == "notBreaching"
    ])
    error_message = "Alarm defaults: period 60, 1 evaluation period, Sum, threshold 1, >=, notBreaching."
  }

  assert {
    condition = alltrue([for alarm in aws_cloudwatch_metric_alarm.this :
      alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:orders-api-api-errors"]) &&
      alarm.ok_actions == toset(["arn:aws:sns:eu-west-1:123456789012:orders-api-api-errors"])
    ])
    error_message = "Both alarm and OK actions must notify the topic."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["5xx"].metric_name == "orders-api-5xx" && aws_cloudwatch_metric_alarm.this["4xx"].metric_name == "orders-api-4xx"
    error_message = "Each alarm must watch its own filter's metric."
  }

  assert {
    condition     = length(aws_sns_topic.this) == 1 && aws_sns_topic.this[0].name == "orders-api-api-errors" && length(aws_sns_topic_policy.this) == 1
    error_message = "A topic and its policy are created by default."
  }

  assert {
    condition     = length(aws_chatbot_slack_channel_configuration.this) == 0 && length(aws_iam_role.chatbot) == 0
    error_message = "Chatbot is off by default."
  }
}

run "threshold_is_shared_and_classes_have_own_thresholds" {
  command = plan

  variables {
    error_status_threshold = 429
    alarm_4xx_threshold    = 50
    alarm_5xx_threshold    = 3
    metric_namespace       = "Team/Api"
    metric_name_prefix     = "orders"
  }

  assert {
    condition     = aws_cloudwatch_log_metric_filter.this["4xx"].pattern == "{ $.status >= 429 && $.status <= 499 }"
    error_message = "The 4xx filter must start at error_status_threshold."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["4xx"].threshold == 50 && aws_cloudwatch_metric_alarm.this["5xx"].threshold == 3
    error_message = "Each class must use its own alarm threshold."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["4xx"].namespace == "Team/Api" && aws_cloudwatch_log_metric_filter.this["4xx"].metric_transformation[0].name == "orders-4xx"
    error_message = "metric_namespace and metric_name_prefix must be used."
  }
}

run "only_5xx_from_threshold_503" {
  command = plan

  variables {
    error_status_threshold = 503
    create_4xx_alarm       = false
  }

  assert {
    condition     = keys(aws_cloudwatch_metric_alarm.this) == ["5xx"] && keys(aws_cloudwatch_log_metric_filter.this) == ["5xx"]
    error_message = "Only the 5xx filter and alarm may exist."
  }

  assert {
    condition     = aws_cloudwatch_log_metric_filter.this["5xx"].pattern == "{ $.status >= 503 }"
    error_message = "The 5xx filter must start at error_status_threshold when it is above 500."
  }
}

run "existing_topic_without_ok_actions" {
  command = plan

  variables {
    create_sns_topic  = false
    sns_topic_arn     = "arn:aws:sns:eu-west-1:123456789012:shared-alerts"
    enable_ok_actions = false
  }

  assert {
    condition     = length(aws_sns_topic.this) == 0 && length(aws_sns_topic_policy.this) == 0
    error_message = "An existing topic must be used as is: no topic, no policy change."
  }

  assert {
    condition = alltrue([for alarm in aws_cloudwatch_metric_alarm.this :
      alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:shared-alerts"]) && length(alarm.ok_actions) == 0
    ])
    error_message = "Alarms must notify the existing topic, and only on ALARM when OK actions are off."
  }
}

run "chatbot_with_read_only_guardrail" {
  command = apply

  variables {
    create_chatbot_channel   = true
    chatbot_slack_team_id    = "T07EA123LEP"
    chatbot_slack_channel_id = "C07EZ1ABC23"
  }

  assert {
    condition     = aws_chatbot_slack_channel_configuration.this[0].guardrail_policy_arns == tolist(["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"])
    error_message = "The default guardrail must be the read-only CloudWatchReadOnlyAccess."
  }

  assert {
    condition     = aws_chatbot_slack_channel_configuration.this[0].sns_topic_arns == toset(["arn:aws:sns:eu-west-1:123456789012:orders-api-api-errors"])
    error_message = "Chatbot must subscribe to the alarm topic."
  }

  assert {
    condition     = aws_chatbot_slack_channel_configuration.this[0].slack_team_id == "T07EA123LEP" && aws_chatbot_slack_channel_configuration.this[0].slack_channel_id == "C07EZ1ABC23"
    error_message = "Chatbot must use the given team and channel."
  }

  assert {
    condition     = aws_chatbot_slack_channel_configuration.this[0].iam_role_arn == aws_iam_role.chatbot[0].arn
    error_message = "Chatbot must use its own channel role."
  }

  assert {
    condition     = aws_iam_role.chatbot[0].name == "orders-api-chatbot-eu-west-1" && aws_chatbot_slack_channel_configuration.this[0].configuration_name == "orders-api-api-errors-eu-west-1"
    error_message = "Account-wide names must include the region."
  }
}

run "rejects_administrator_guardrail" {
  command = plan

  variables {
    create_chatbot_channel        = true
    chatbot_slack_team_id         = "T07EA123LEP"
    chatbot_slack_channel_id      = "C07EZ1ABC23"
    chatbot_guardrail_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
  }

  expect_failures = [var.chatbot_guardrail_policy_arns]
}

run "rejects_empty_guardrail" {
  command = plan

  variables {
    chatbot_guardrail_policy_arns = []
  }

  expect_failures = [var.chatbot_guardrail_policy_arns]
}

run "rejects_chatbot_without_ids" {
  command = plan

  variables {
    create_chatbot_channel = true
  }

  expect_failures = [var.chatbot_slack_team_id, var.chatbot_slack_channel_id]
}

run "rejects_negative_alarm_thresholds" {
  command = plan

  variables {
    alarm_4xx_threshold = -1
    alarm_5xx_threshold = 0
  }

  expect_failures = [var.alarm_4xx_threshold, var.alarm_5xx_threshold]
}

run "rejects_status_threshold_outside_errors" {
  command = plan

  variables {
    error_status_threshold = 200
  }

  expect_failures = [var.error_status_threshold]
}

run "rejects_4xx_alarm_when_threshold_is_5xx" {
  command = plan

  variables {
    error_status_threshold = 500
  }

  expect_failures = [var.create_4xx_alarm]
}

run "rejects_odd_period" {
  command = plan

  variables {
    alarm_period = 45
  }

  expect_failures = [var.alarm_period]
}

run "rejects_high_resolution_period" {
  command = plan

  variables {
    alarm_period = 10
  }

  expect_failures = [var.alarm_period]
}

run "rejects_evaluation_longer_than_a_day" {
  command = plan

  variables {
    alarm_period             = 300
    alarm_evaluation_periods = 300
  }

  expect_failures = [var.alarm_evaluation_periods]
}

run "rejects_both_classes_off" {
  command = plan

  variables {
    create_4xx_alarm = false
    create_5xx_alarm = false
  }

  expect_failures = [var.create_5xx_alarm]
}

run "rejects_aws_managed_sns_key" {
  command = plan

  variables {
    sns_topic_kms_key_arn = "alias/aws/sns"
  }

  expect_failures = [var.sns_topic_kms_key_arn]
}

run "rejects_datapoints_above_evaluation_periods" {
  command = plan

  variables {
    alarm_evaluation_periods  = 2
    alarm_datapoints_to_alarm = 3
  }

  expect_failures = [var.alarm_datapoints_to_alarm]
}

run "rejects_zero_evaluation_periods" {
  command = plan

  variables {
    alarm_evaluation_periods = 0
  }

  expect_failures = [var.alarm_evaluation_periods]
}

run "rejects_unknown_treat_missing_data" {
  command = plan

  variables {
    alarm_treat_missing_data = "ok"
  }

  expect_failures = [var.alarm_treat_missing_data]
}

run "rejects_reserved_namespace" {
  command = plan

  variables {
    metric_namespace = "AWS/ApiGateway"
  }

  expect_failures = [var.metric_namespace]
}

run "rejects_bad_metric_name_prefix" {
  command = plan

  variables {
    metric_name_prefix = "has spaces"
  }

  expect_failures = [var.metric_name_prefix]
}

run "rejects_topic_arn_that_is_not_an_arn" {
  command = plan

  variables {
    create_sns_topic = false
    sns_topic_arn    = "shared-alerts"
  }

  expect_failures = [var.sns_topic_arn]
}

run "rejects_no_topic_at_all" {
  command = plan

  variables {
    create_sns_topic = false
  }

  expect_failures = [var.sns_topic_arn]
}

run "rejects_bad_topic_name" {
  command = plan

  variables {
    sns_topic_name = "alerts.fifo!"
  }

  expect_failures = [var.sns_topic_name]
}

run "rejects_bad_name_and_log_group" {
  command = plan

  variables {
    name                  = "orders api"
    access_log_group_name = "has spaces"
  }

  expect_failures = [var.name, var.access_log_group_name]
}

run "rejects_unknown_chatbot_logging_level" {
  command = plan

  variables {
    chatbot_logging_level = "DEBUG"
  }

  expect_failures = [var.chatbot_logging_level]
}

run "ignored_statuses_and_routes_are_left_out_of_both_rest_filters" {
  command = plan

  variables {
    ignore_statuses = [404, 401]
    ignore_routes   = ["GET /health", "* /ping"]
  }

  assert {
    condition     = aws_cloudwatch_log_metric_filter.this["4xx"].pattern == "{ $.status >= 400 && $.status <= 499 && $.status != 404 && $.status != 401 && ($.httpMethod != \"GET\" || $.resourcePath != \"/health\") && $.resourcePath != \"/ping\" }"
    error_message = "The 4xx filter must exclude the ignored statuses and routes."
  }

  assert {
    condition     = aws_cloudwatch_log_metric_filter.this["5xx"].pattern == "{ $.status >= 500 && $.status != 404 && $.status != 401 && ($.httpMethod != \"GET\" || $.resourcePath != \"/health\") && $.resourcePath != \"/ping\" }"
    error_message = "The 5xx filter must exclude the ignored routes too."
  }
}

run "http_api_routes_are_route_keys" {
  command = plan

  variables {
    api_type         = "HTTP"
    create_4xx_alarm = false
    ignore_routes    = ["$default", "* /ping"]
  }

  assert {
    condition     = aws_cloudwatch_log_metric_filter.this["5xx"].pattern == "{ $.status >= 500 && $.routeKey != \"$default\" && $.routeKey != \"GET /ping\" && $.routeKey != \"POST /ping\" && $.routeKey != \"PUT /ping\" && $.routeKey != \"PATCH /ping\" && $.routeKey != \"DELETE /ping\" && $.routeKey != \"HEAD /ping\" && $.routeKey != \"OPTIONS /ping\" && $.routeKey != \"ANY /ping\" }"
    error_message = "An HTTP API route is its route key; * stands for every method."
  }
}

run "rate_alarms_read_api_gateway_metrics_of_the_stage" {
  command = plan

  variables {
    create_error_rate_alarms         = true
    rest_api_name                    = "orders"
    stage_name                       = "prod"
    alarm_5xx_rate_threshold_percent = 2.5
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.rate["5xx"].namespace == "AWS/ApiGateway" && aws_cloudwatch_metric_alarm.rate["5xx"].metric_name == "5XXError" && aws_cloudwatch_metric_alarm.rate["5xx"].statistic == "Average" && aws_cloudwatch_metric_alarm.rate["5xx"].threshold == 0.025
    error_message = "The 5xx rate alarm compares the Average of 5XXError with the threshold as a fraction."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.rate["4xx"].dimensions == tomap({ ApiName = "orders", Stage = "prod" }) && aws_cloudwatch_metric_alarm.rate["4xx"].metric_name == "4XXError"
    error_message = "REST API metrics are read by ApiName and Stage."
  }
}

run "http_api_rate_alarms_use_api_id" {
  command = plan

  variables {
    api_type                 = "HTTP"
    create_error_rate_alarms = true
    http_api_id              = "h1t2p3a4p5"
    stage_name               = "$default"
  }

  assert {
    condition = alltrue([
      for query in aws_cloudwatch_metric_alarm.rate["5xx"].metric_query : query.return_data == false && one(query.metric).stat == "Sum" && one(query.metric).dimensions == tomap({ ApiId = "h1t2p3a4p5", Stage = "$default" })
      if query.id != "rate"
    ])
    error_message = "HTTP API metrics are 4xx/5xx and Count by ApiId and Stage, summed."
  }

  assert {
    condition     = { for query in aws_cloudwatch_metric_alarm.rate["5xx"].metric_query : query.id => query.id == "rate" ? query.expression : one(query.metric).metric_name } == { errors = "5xx", requests = "Count", rate = "FILL(errors, 0) / requests" }
    error_message = "An HTTP API's error rate is its documented sums, errors over requests (AWS documents no Average rate for 4xx/5xx)."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.rate["5xx"].metric_name == null && aws_cloudwatch_metric_alarm.rate["5xx"].statistic == null && aws_cloudwatch_metric_alarm.rate["5xx"].threshold == 0.05
    error_message = "The math alarm names no metric of its own and compares the fraction with the threshold."
  }
}

run "rest_rate_alarms_look_for_the_name_as_api_gateway_publishes_it" {
  command = plan

  variables {
    create_error_rate_alarms = true
    rest_api_name            = "Bestellungen-ÄÖÜ-orders"
    stage_name               = "prod"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.rate["5xx"].dimensions == tomap({ ApiName = "Bestellungen--orders", Stage = "prod" })
    error_message = "API Gateway removes non-ASCII characters from the ApiName dimension; the alarm must look for that name."
  }
}

run "rejects_rate_alarms_without_the_api" {
  command = plan

  variables {
    create_error_rate_alarms = true
  }

  expect_failures = [var.rest_api_name, var.stage_name]
}

run "rejects_a_filter_pattern_over_1024_characters" {
  command = plan

  variables {
    api_type      = "HTTP"
    ignore_routes = [for index in range(6) : "* /a-rather-long-path-to-ignore-${index}"]
  }

  expect_failures = [aws_cloudwatch_log_metric_filter.this["5xx"], aws_cloudwatch_log_metric_filter.this["4xx"]]
}
