# The root module: switches per part, and validation of its own inputs (messages name the root variables).

mock_provider "aws" {
  source = "./tests/terraform/mocks"
}

variables {
  name        = "orders-api"
  rest_api_id = "a1b2c3d4e5"
  stage_name  = "prod"
}

run "everything_on_by_default_except_chatbot" {
  command = plan

  assert {
    condition     = length(module.apigateway_account) == 1 && length(module.stage_logging) == 1 && length(module.error_alarm) == 1
    error_message = "Account setting, stage logging and alarm are on by default."
  }

  assert {
    condition     = output.access_log_group_name == "/aws/apigateway/orders-api-accesslog"
    error_message = "The access-log group is created with the default name."
  }

  assert {
    condition     = output.execution_log_group_name == "API-Gateway-Execution-Logs_a1b2c3d4e5/prod"
    error_message = "Execution logging is managed for the stage."
  }

  assert {
    condition     = output.metric_filter_patterns == tomap({ "4xx" = "{ $.status >= 400 && $.status <= 499 }", "5xx" = "{ $.status >= 500 }" })
    error_message = "Both alarm classes exist by default."
  }

  assert {
    condition     = output.chatbot_configuration_arn == null
    error_message = "Chatbot is off by default."
  }
}

run "error_status_threshold_reaches_the_alarm" {
  command = plan

  variables {
    error_status_threshold = 404
  }

  assert {
    condition     = output.metric_filter_patterns["4xx"] == "{ $.status >= 404 && $.status <= 499 }"
    error_message = "The alarm must use error_status_threshold."
  }
}

run "everything_off" {
  command = plan

  variables {
    rest_api_id              = null
    stage_name               = null
    manage_account_setting   = false
    enable_execution_logging = false
    create_access_log_group  = false
    access_log_group_name    = "/existing/access"
    enable_alarm             = false
  }

  assert {
    condition     = length(module.apigateway_account) == 0 && length(module.stage_logging) == 0 && length(module.error_alarm) == 0
    error_message = "Every part must be switchable off."
  }

  assert {
    condition     = output.access_log_group_name == "/existing/access" && output.access_log_destination_arn == null
    error_message = "An existing access-log group is passed through, not created."
  }

  assert {
    condition     = length(output.alarm_arns) == 0 && length(output.metric_filter_patterns) == 0 && output.sns_topic_arn == null && output.cloudwatch_role_arn == null
    error_message = "Outputs of switched-off parts are empty."
  }
}

run "existing_topic" {
  command = plan

  variables {
    sns_topic_arn = "arn:aws:sns:eu-west-1:123456789012:shared-alerts"
  }

  assert {
    condition     = output.sns_topic_arn == "arn:aws:sns:eu-west-1:123456789012:shared-alerts"
    error_message = "An existing topic is used when given."
  }
}

run "rejects_access_log_retention_7000" {
  command = plan

  variables {
    access_log_retention_in_days = 7000
  }

  expect_failures = [var.access_log_retention_in_days]
}

run "rejects_execution_log_retention_7000" {
  command = plan

  variables {
    execution_log_retention_in_days = 7000
  }

  expect_failures = [var.execution_log_retention_in_days]
}

run "rejects_logging_level_debug" {
  command = plan

  variables {
    logging_level = "DEBUG"
  }

  expect_failures = [var.logging_level]
}

run "rejects_role_arn_that_is_not_an_arn" {
  command = plan

  variables {
    cloudwatch_role_arn = "apigateway-cloudwatch"
  }

  expect_failures = [var.cloudwatch_role_arn]
}

run "rejects_kms_and_topic_that_are_not_arns" {
  command = plan

  variables {
    access_log_kms_key_arn = "alias/logs"
    sns_topic_arn          = "alerts"
  }

  expect_failures = [var.access_log_kms_key_arn, var.sns_topic_arn]
}

run "rejects_negative_thresholds" {
  command = plan

  variables {
    alarm_4xx_threshold    = -1
    alarm_5xx_threshold    = -3
    error_status_threshold = -5
  }

  expect_failures = [var.alarm_4xx_threshold, var.alarm_5xx_threshold, var.error_status_threshold]
}

run "rejects_missing_stage_when_execution_logging_is_on" {
  command = plan

  variables {
    rest_api_id = null
    stage_name  = null
  }

  expect_failures = [var.rest_api_id, var.stage_name]
}

run "rejects_bad_name" {
  command = plan

  variables {
    name = "Orders API"
  }

  expect_failures = [var.name]
}

run "rejects_existing_access_log_group_without_name" {
  command = plan

  variables {
    create_access_log_group = false
  }

  expect_failures = [var.access_log_group_name]
}

run "notifier_off_by_default" {
  command = plan

  assert {
    condition     = length(module.notifier) == 0 && output.notifier_function_name == null && output.webhook_parameter_name == null
    error_message = "The notifier needs a webhook, so it is off unless enabled."
  }
}

run "notifier_watches_the_access_log_with_the_shared_threshold" {
  command = plan

  variables {
    enable_notifier        = true
    slack_webhook_url      = "https://hooks.slack.com/services/T000/B000/XXXX"
    error_status_threshold = 404
  }

  assert {
    condition     = length(module.notifier) == 1 && output.webhook_parameter_name == "/orders-api/accesslog-notifier/slack-webhook-url"
    error_message = "enable_notifier must create the notifier with its own parameter."
  }

  assert {
    condition     = module.notifier[0].schedule_interval_seconds == 300
    error_message = "The notifier runs every 5 minutes by default."
  }
}

run "notifier_failures_alarm_on_the_alarm_topic" {
  command = apply

  variables {
    manage_account_setting   = false
    enable_execution_logging = false
    enable_notifier          = true
    slack_webhook_url        = "https://hooks.slack.com/services/T000/B000/XXXX"
  }

  assert {
    condition     = output.notifier_failure_alarm_arn != null
    error_message = "With the alarm on, the notifier's own failures must raise an alarm on its topic."
  }
}

run "no_notifier_failure_alarm_without_a_topic" {
  command = plan

  variables {
    enable_alarm      = false
    enable_notifier   = true
    slack_webhook_url = "https://hooks.slack.com/services/T000/B000/XXXX"
  }

  assert {
    condition     = output.notifier_failure_alarm_arn == null
    error_message = "Without the alarm topic there is nowhere to send the notifier's failures."
  }
}

run "rejects_chatbot_without_alarm" {
  command = plan

  variables {
    enable_alarm             = false
    enable_chatbot           = true
    chatbot_slack_team_id    = "T07EA123LEP"
    chatbot_slack_channel_id = "C07EZ1ABC23"
  }

  expect_failures = [var.enable_chatbot]
}

run "rejects_notifier_settings" {
  command = plan

  variables {
    notifier_schedule_expression   = "cron(0 * * * ? *)"
    notifier_ingestion_lag_seconds = -1
    notifier_sample_count          = 100
    notifier_log_level             = "VERBOSE"
    webhook_parameter_name         = "has spaces"
    webhook_parameter_kms_key_arn  = "alias/aws/ssm"
  }

  expect_failures = [
    var.notifier_schedule_expression, var.notifier_ingestion_lag_seconds, var.notifier_sample_count,
    var.notifier_log_level, var.webhook_parameter_name, var.webhook_parameter_kms_key_arn,
  ]
}

run "rejects_alarm_settings" {
  command = plan

  variables {
    alarm_period             = 45
    alarm_evaluation_periods = 0
    metric_namespace         = "AWS/ApiGateway"
    throttling_burst_limit   = -1
    throttling_rate_limit    = -1
  }

  expect_failures = [
    var.alarm_period, var.alarm_evaluation_periods, var.metric_namespace, var.throttling_burst_limit,
    var.throttling_rate_limit,
  ]
}

run "rejects_4xx_alarm_above_threshold_500" {
  command = plan

  variables {
    error_status_threshold = 500
  }

  expect_failures = [var.enable_4xx_alarm]
}

run "rejects_administrator_chatbot_guardrail_and_missing_ids" {
  command = plan

  variables {
    enable_chatbot                = true
    chatbot_guardrail_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
  }

  expect_failures = [var.chatbot_guardrail_policy_arns, var.chatbot_slack_team_id, var.chatbot_slack_channel_id]
}

run "chatbot_switch" {
  command = apply

  variables {
    manage_account_setting   = false
    enable_execution_logging = false
    enable_chatbot           = true
    chatbot_slack_team_id    = "T07EA123LEP"
    chatbot_slack_channel_id = "C07EZ1ABC23"
  }

  assert {
    condition     = output.chatbot_configuration_arn != null
    error_message = "enable_chatbot must create the Chatbot configuration from the root."
  }
}
