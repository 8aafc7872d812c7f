mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  name              = "orders-api"
  log_group_names   = ["/aws/apigateway/orders-api-accesslog"]
  slack_webhook_url = "https://hooks.slack.com/services/T000/B000/XXXX"
}

run "defaults" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.runtime == "python3.12" && aws_lambda_function.this.memory_size == 128 && aws_lambda_function.this.timeout == 300
    error_message = "Defaults: python3.12, 128 MB, 300 s."
  }

  assert {
    condition     = aws_lambda_function.this.handler == "accesslog_notifier.handler.lambda_handler"
    error_message = "The handler must be the package's lambda_handler."
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == -1
    error_message = "No concurrency is reserved by default (new accounts cannot reserve any)."
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256("${path.module}/../../source_code/dist/notifier.zip")
    error_message = "The function must deploy the committed, deterministic zip."
  }

  assert {
    condition     = aws_lambda_function.this.logging_config[0].log_format == "JSON" && aws_lambda_function.this.logging_config[0].application_log_level == "INFO" && aws_lambda_function.this.logging_config[0].log_group == "/aws/lambda/orders-api-accesslog-notifier"
    error_message = "The function logs JSON at LOG_LEVEL to its own log group."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "The function's log group has a 30-day retention."
  }

  assert {
    condition     = aws_cloudwatch_event_rule.this.schedule_expression == "rate(5 minutes)" && output.schedule_interval_seconds == 300
    error_message = "The default schedule is every 5 minutes, a 300 s window."
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.this.maximum_retry_attempts == 2
    error_message = "A failed run is retried (same window) by default."
  }
}

run "environment_carries_the_contract_but_never_the_url" {
  command = plan

  variables {
    log_group_names        = ["/a", "/b"]
    error_status_threshold = 500
    schedule_expression    = "rate(1 hour)"
    ingestion_lag_seconds  = 120
    sample_count           = 3
  }

  assert {
    condition = aws_lambda_function.this.environment[0].variables == tomap({
      LOG_GROUP_NAMES           = "[\"/a\",\"/b\"]"
      WEBHOOK_PARAMETER_NAME    = "/orders-api/accesslog-notifier/slack-webhook-url"
      ERROR_STATUS_THRESHOLD    = "500"
      SCHEDULE_INTERVAL_SECONDS = "3600"
      INGESTION_LAG_SECONDS     = "120"
      QUERY_LIMIT               = "10000"
      SAMPLE_COUNT              = "3"
      TOP_N                     = "10"
      MAX_MESSAGES              = "5"
      MESSAGE_TITLE             = "API Gateway errors"
      LOG_LEVEL                 = "INFO"
    })
    error_message = "The environment must hold the settings and the parameter name, and nothing else (no webhook URL)."
  }
}

run "webhook_is_a_secure_string" {
  command = plan

  assert {
    condition     = aws_ssm_parameter.webhook[0].type == "SecureString" && aws_ssm_parameter.webhook[0].name == "/orders-api/accesslog-notifier/slack-webhook-url"
    error_message = "The webhook URL must be stored as a SecureString."
  }

  assert {
    condition     = output.webhook_parameter_name == "/orders-api/accesslog-notifier/slack-webhook-url"
    error_message = "The parameter name (not the URL) is an output."
  }
}

run "existing_parameter_and_key" {
  command = plan

  variables {
    slack_webhook_url             = null
    webhook_parameter_name        = "/shared/slack/webhook"
    webhook_parameter_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = length(aws_ssm_parameter.webhook) == 0
    error_message = "An existing parameter must not be created again."
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["WEBHOOK_PARAMETER_NAME"] == "/shared/slack/webhook"
    error_message = "The function must read the existing parameter."
  }
}

run "role_policy_is_scoped_to_the_log_groups_and_the_parameter" {
  command = plan

  variables {
    slack_webhook_url             = null
    webhook_parameter_name        = "team-slack-webhook"
    webhook_parameter_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    log_group_names               = ["/aws/apigateway/a-accesslog", "/aws/apigateway/b-accesslog"]
  }

  assert {
    condition = [for statement in data.aws_iam_policy_document.this.statement : statement.resources if statement.sid == "QueryWatchedLogGroups"][0] == toset([
      "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/a-accesslog",
      "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/a-accesslog:*",
      "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/b-accesslog",
      "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/b-accesslog:*",
    ])
    error_message = "StartQuery must be allowed on the watched log groups only."
  }

  assert {
    condition     = [for statement in data.aws_iam_policy_document.this.statement : statement.resources if statement.sid == "ReadWebhookParameter"][0] == toset(["arn:aws:ssm:eu-west-1:123456789012:parameter/team-slack-webhook"])
    error_message = "A parameter name without a leading slash must still give a valid parameter ARN."
  }

  assert {
    condition     = [for statement in data.aws_iam_policy_document.this.statement : statement.resources if statement.sid == "DecryptWebhookParameter"][0] == toset(["arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"])
    error_message = "kms:Decrypt must be granted on the given key."
  }

  assert {
    condition     = aws_iam_role.this.name == "orders-api-notifier-eu-west-1"
    error_message = "The role name must include the region (IAM names are global)."
  }
}

run "schedule_permission_targets_the_rule" {
  command = apply

  assert {
    condition     = aws_lambda_permission.events.principal == "events.amazonaws.com" && aws_lambda_permission.events.source_arn == aws_cloudwatch_event_rule.this.arn
    error_message = "EventBridge must be allowed to invoke the function, only from this rule."
  }

  assert {
    condition     = aws_cloudwatch_event_target.this.arn == aws_lambda_function.this.arn && aws_cloudwatch_event_target.this.rule == aws_cloudwatch_event_rule.this.name
    error_message = "The rule's target must be the function."
  }
}

run "options" {
  command = plan

  variables {
    runtime                        = "python3.13"
    architecture                   = "x86_64"
    memory_size                    = 256
    timeout                        = 600
    reserved_concurrent_executions = 1
    maximum_retry_attempts         = 0
    log_level                      = "DEBUG"
    package_path                   = "../../source_code/dist/notifier.zip"
    schedule_expression            = "rate(1 minute)"
  }

  assert {
    condition     = aws_lambda_function.this.runtime == "python3.13" && aws_lambda_function.this.architectures == tolist(["x86_64"]) && aws_lambda_function.this.memory_size == 256 && aws_lambda_function.this.timeout == 600
    error_message = "runtime, architecture, memory and timeout must be used."
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 1 && aws_lambda_function_event_invoke_config.this.maximum_retry_attempts == 0
    error_message = "Reserved concurrency and retries must be used when set."
  }

  assert {
    condition     = aws_lambda_function.this.logging_config[0].application_log_level == "DEBUG" && aws_lambda_function.this.environment[0].variables["LOG_LEVEL"] == "DEBUG"
    error_message = "log_level must reach both Lambda's logging config and LOG_LEVEL."
  }

  assert {
    condition     = output.schedule_interval_seconds == 60
    error_message = "rate(1 minute) is a 60 s window."
  }
}

run "failure_alarm" {
  command = plan

  variables {
    enable_failure_alarm        = true
    failure_alarm_sns_topic_arn = "arn:aws:sns:eu-west-1:123456789012:alerts"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.failures[0].namespace == "AWS/Lambda" && aws_cloudwatch_metric_alarm.failures[0].metric_name == "Errors" && aws_cloudwatch_metric_alarm.failures[0].dimensions["FunctionName"] == "orders-api-accesslog-notifier"
    error_message = "The failure alarm must watch the function's Errors metric."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.failures[0].alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:alerts"]) && aws_cloudwatch_metric_alarm.failures[0].ok_actions == toset(["arn:aws:sns:eu-west-1:123456789012:alerts"])
    error_message = "The failure alarm must notify the topic on ALARM and OK."
  }
}

run "no_failure_alarm_by_default" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.failures) == 0
    error_message = "The failure alarm needs a topic, so it is off unless enabled."
  }
}

run "rejects_cron_schedules" {
  command = plan

  variables {
    schedule_expression = "cron(0/5 * * * ? *)"
  }

  expect_failures = [var.schedule_expression]
}

run "rejects_schedules_longer_than_a_day" {
  command = plan

  variables {
    schedule_expression = "rate(25 hours)"
  }

  expect_failures = [var.schedule_expression]
}

run "rejects_failure_alarm_without_topic" {
  command = plan

  variables {
    enable_failure_alarm = true
  }

  expect_failures = [var.failure_alarm_sns_topic_arn]
}

run "rejects_plural_mismatch" {
  command = plan

  variables {
    schedule_expression = "rate(1 minutes)"
  }

  expect_failures = [var.schedule_expression]
}

run "rejects_old_runtime" {
  command = plan

  variables {
    runtime = "python3.9"
  }

  expect_failures = [var.runtime]
}

run "rejects_plain_http_webhook" {
  command = plan

  variables {
    slack_webhook_url = "http://hooks.slack.com/services/T000/B000/XXXX"
  }

  expect_failures = [aws_lambda_function.this]
}

run "rejects_both_url_and_parameter" {
  command = plan

  variables {
    webhook_parameter_name = "/shared/slack/webhook"
  }

  expect_failures = [aws_lambda_function.this]
}

run "rejects_neither_url_nor_parameter" {
  command = plan

  variables {
    slack_webhook_url = null
  }

  expect_failures = [aws_lambda_function.this]
}

run "rejects_empty_log_group_list" {
  command = plan

  variables {
    log_group_names = []
  }

  expect_failures = [var.log_group_names]
}

run "rejects_out_of_range_numbers" {
  command = plan

  variables {
    error_status_threshold         = -5
    ingestion_lag_seconds          = 3600
    query_limit                    = 20000
    sample_count                   = -1
    top_n                          = 0
    max_messages                   = 50
    memory_size                    = 64
    timeout                        = 1000
    reserved_concurrent_executions = 0
    maximum_retry_attempts         = 5
    log_retention_in_days          = 7000
  }

  expect_failures = [
    var.error_status_threshold, var.ingestion_lag_seconds, var.query_limit, var.sample_count, var.top_n,
    var.max_messages, var.memory_size, var.timeout, var.reserved_concurrent_executions,
    var.maximum_retry_attempts, var.log_retention_in_days,
  ]
}

run "rejects_bad_names_and_arns" {
  command = plan

  variables {
    name                          = "orders api"
    log_level                     = "TRACE"
    architecture                  = "sparc"
    message_title                 = ""
    package_path                  = "notifier.tar.gz"
    webhook_parameter_kms_key_arn = "alias/aws/ssm"
  }

  expect_failures = [
    var.name, var.log_level, var.architecture, var.message_title, var.package_path, var.webhook_parameter_kms_key_arn,
  ]
}
