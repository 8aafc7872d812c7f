mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  name              = "orders-api"
  log_group_names   = ["/aws/apigateway/orders-api-accesslog"]
  slack_webhook_url = "https://hooks.slack.com/services/T000/B000/XXXX"
  # Terraform 1.11's test runner refuses an apply run whose ephemeral variable was left unset ("must remain unset
  # during the apply phase"; null counts as unset), so every run gives a token; the webhook delivery ignores it.
  slack_bot_token = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
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
    condition     = aws_cloudwatch_event_rule.this.schedule_expression == "cron(0/5 * * * ? *)" && output.schedule_expression == "cron(0/5 * * * ? *)"
    error_message = "The default schedule is every 5 minutes, on whole multiples of 5."
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.this.maximum_retry_attempts == 2
    error_message = "A failed run is retried (same window) by default."
  }
}

run "environment_carries_the_contract_but_never_the_url" {
  command = plan

  variables {
    log_group_names                    = ["/a", "/b"]
    error_status_threshold             = 500
    notifier_schedule_interval_minutes = 60
    ignore_statuses                    = [404]
    ignore_routes                      = ["GET /health"]
    notifier_settings                  = { ingestion_lag_seconds = 120, sample_count = 3, min_error_rate_percent = 2.5 }
  }

  assert {
    condition     = toset(keys(aws_lambda_function.this.environment[0].variables)) == toset([for spec in local.contract.settings : spec.env])
    error_message = "The environment must hold one variable per setting of contract.json, and nothing else (no webhook URL)."
  }

  assert {
    condition = {
      for name in ["LOG_GROUP_NAMES", "WEBHOOK_PARAMETER_NAME", "ERROR_STATUS_THRESHOLD", "SCHEDULE_INTERVAL_MINUTES", "IGNORE_STATUSES", "IGNORE_ROUTES", "ALARM_NAMES", "INGESTION_LAG_SECONDS", "SAMPLE_COUNT", "MIN_ERROR_RATE_PERCENT"] :
      name => aws_lambda_function.this.environment[0].variables[name]
      } == {
      LOG_GROUP_NAMES           = "[\"/a\",\"/b\"]"
      WEBHOOK_PARAMETER_NAME    = "/orders-api/accesslog-notifier/slack-webhook-url"
      ERROR_STATUS_THRESHOLD    = "500"
      SCHEDULE_INTERVAL_MINUTES = "60"
      IGNORE_STATUSES           = "[404]"
      IGNORE_ROUTES             = "[\"GET /health\"]"
      ALARM_NAMES               = "[]"
      INGESTION_LAG_SECONDS     = "120"
      SAMPLE_COUNT              = "3"
      MIN_ERROR_RATE_PERCENT    = "2.5"
    }
    error_message = "The module's inputs and the given settings must reach the environment, rendered as the function reads them."
  }

  assert {
    condition = alltrue([
      for key, spec in local.tunables : contains(["ingestion_lag_seconds", "sample_count", "min_error_rate_percent"], key) || aws_lambda_function.this.environment[0].variables[spec.env] == (startswith(spec.type, "list") ? jsonencode(spec.default) : tostring(spec.default))
    ])
    error_message = "Settings left out must take the contract's defaults."
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
    create_webhook_parameter      = false
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
    create_webhook_parameter      = false
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
    condition     = [for statement in data.aws_iam_policy_document.this.statement : statement.resources if statement.sid == "DescribeLogGroupsOfRefusedRanges"][0] == toset(["arn:aws:logs:eu-west-1:123456789012:log-group:*"])
    error_message = "DescribeLogGroups must be allowed in this account and region only (on log-group:*, as AWS asks)."
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
    notifier_runtime                        = "python3.13"
    notifier_architecture                   = "x86_64"
    notifier_memory_size                    = 256
    notifier_timeout                        = 600
    notifier_reserved_concurrent_executions = 1
    notifier_maximum_retry_attempts         = 0
    notifier_settings                       = { log_level = "DEBUG" }
    notifier_package_path                   = "../../source_code/dist/notifier.zip"
    notifier_schedule_interval_minutes      = 1
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
    condition     = output.schedule_expression == "cron(* * * * ? *)"
    error_message = "Every minute is cron(* * * * ? *)."
  }
}

run "failure_alarm_watches_dropped_events" {
  command = plan

  variables {
    create_notifier_failure_alarm        = true
    notifier_failure_alarm_sns_topic_arn = "arn:aws:sns:eu-west-1:123456789012:alerts"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.unreported[0].namespace == "AWS/Lambda" && aws_cloudwatch_metric_alarm.unreported[0].metric_name == "AsyncEventsDropped" && aws_cloudwatch_metric_alarm.unreported[0].dimensions["FunctionName"] == "orders-api-accesslog-notifier"
    error_message = "The failure alarm must watch the events Lambda dropped after its retries."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.unreported[0].alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:alerts"]) && aws_cloudwatch_metric_alarm.unreported[0].ok_actions == toset(["arn:aws:sns:eu-west-1:123456789012:alerts"])
    error_message = "The failure alarm must notify the topic on ALARM and OK."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.awaiting_replay) == 0
    error_message = "Without a failure queue there is nothing awaiting replay."
  }
}

run "no_failure_alarm_by_default" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.unreported) == 0 && length(aws_cloudwatch_metric_alarm.awaiting_replay) == 0 && length(aws_sqs_queue.failures) == 0
    error_message = "The failure alarms need a topic, so they are off unless enabled; so is the queue."
  }
}

run "hourly_and_daily_schedules_are_cron_on_whole_multiples" {
  command = plan

  variables {
    notifier_schedule_interval_minutes = 120
  }

  assert {
    condition     = output.schedule_expression == "cron(0 0/2 * * ? *)"
    error_message = "Every 2 hours is cron(0 0/2 * * ? *)."
  }
}

run "every_derived_name_fits_its_limit_with_the_longest_name_and_region" {
  command = plan

  override_data {
    target = data.aws_region.current
    values = { id = "us-isof-south-1" }
  }

  variables {
    name                                 = "a23456789012345678901234567890123456789"
    create_notifier_failure_queue        = true
    create_notifier_failure_alarm        = true
    notifier_failure_alarm_sns_topic_arn = "arn:aws:sns:us-isof-south-1:123456789012:alerts"
  }

  assert {
    condition     = length(var.name) == 39 && length(data.aws_region.current.id) == 15
    error_message = "The test must use the longest name and region."
  }

  assert {
    condition     = length(aws_iam_role.this.name) <= 64 && length(aws_lambda_function.this.function_name) <= 64 && length(aws_cloudwatch_event_rule.this.name) <= 64
    error_message = "IAM role, function and rule names must fit 64 characters."
  }

  assert {
    condition     = length(aws_sqs_queue.failures[0].name) <= 80 && alltrue([for name in concat(aws_cloudwatch_metric_alarm.unreported[*].alarm_name, aws_cloudwatch_metric_alarm.awaiting_replay[*].alarm_name) : length(name) <= 255])
    error_message = "Queue names must fit 80 characters, alarm names 255."
  }

  assert {
    condition     = length(aws_cloudwatch_log_group.this.name) <= 512 && length(aws_ssm_parameter.webhook[0].name) <= 1011
    error_message = "Log group and parameter names must fit their limits."
  }
}

run "rejects_an_environment_over_4_kb" {
  command = plan

  variables {
    log_group_names = [for index in range(60) : "/aws/apigateway/a-rather-long-api-name-for-the-team-${index}-accesslog"]
  }

  expect_failures = [aws_lambda_function.this]
}

run "accepts_an_environment_just_under_4_kb" {
  command = plan

  variables {
    log_group_names = [for index in range(49) : "/aws/apigateway/a-rather-long-api-name-for-the-team-${index}-accesslog"]
  }

  assert {
    condition     = length(jsonencode(aws_lambda_function.this.environment[0].variables)) <= 4096
    error_message = "Forty-nine long log group names fit Lambda's 4 KB beside every other setting at its default (sixty do not)."
  }
}

run "failure_queue_is_the_on_failure_destination_and_the_role_may_send_to_it" {
  command = plan

  variables {
    create_notifier_failure_queue = true
  }

  assert {
    condition     = aws_sqs_queue.failures[0].name == "orders-api-accesslog-notifier-failures" && aws_sqs_queue.failures[0].message_retention_seconds == 1209600 && aws_sqs_queue.failures[0].sqs_managed_sse_enabled == true
    error_message = "The failure queue keeps events 14 days, encrypted."
  }

  assert {
    condition     = [for statement in data.aws_iam_policy_document.this.statement : statement.actions if statement.sid == "SendFailedRunsToTheQueue"][0] == toset(["sqs:SendMessage"])
    error_message = "The role must be allowed to send failed runs to the queue."
  }
}

run "hardening_options_are_off_by_default" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "PassThrough" && length(aws_lambda_function.this.vpc_config) == 0 && aws_lambda_function.this.kms_key_arn == null && aws_lambda_function.this.code_signing_config_arn == null
    error_message = "No tracing, VPC, own key or code signing unless asked for."
  }

  assert {
    condition     = length(aws_iam_role_policy_attachment.xray) == 0 && length(aws_iam_role_policy_attachment.vpc_access) == 0
    error_message = "The role gets the X-Ray and VPC policies only when they are used."
  }
}

run "hardening_options_reach_the_function_and_its_role" {
  command = plan

  variables {
    notifier_kms_key_arn             = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    enable_notifier_tracing          = true
    notifier_subnet_ids              = ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"]
    notifier_security_group_ids      = ["sg-0a1b2c3d4e5f60718"]
    notifier_code_signing_config_arn = "arn:aws:lambda:eu-west-1:123456789012:code-signing-config:csc-0123456789abcdef0"
  }

  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "Active" && aws_lambda_function.this.kms_key_arn == var.notifier_kms_key_arn && aws_lambda_function.this.code_signing_config_arn == var.notifier_code_signing_config_arn
    error_message = "Tracing, the environment key and code signing must reach the function."
  }

  assert {
    condition     = aws_lambda_function.this.vpc_config[0].subnet_ids == toset(var.notifier_subnet_ids) && aws_lambda_function.this.vpc_config[0].security_group_ids == toset(var.notifier_security_group_ids)
    error_message = "Subnets and security groups must reach the function's VPC config."
  }

  assert {
    condition     = endswith(aws_iam_role_policy_attachment.xray[0].policy_arn, ":iam::aws:policy/AWSXRayDaemonWriteAccess") && endswith(aws_iam_role_policy_attachment.vpc_access[0].policy_arn, ":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")
    error_message = "The role must be able to send traces and create network interfaces."
  }

  assert {
    condition     = [for statement in data.aws_iam_policy_document.this.statement : statement.resources if statement.sid == "DecryptOwnEnvironment"][0] == toset([var.notifier_kms_key_arn])
    error_message = "The role must be allowed to decrypt its own environment with the given key."
  }
}

