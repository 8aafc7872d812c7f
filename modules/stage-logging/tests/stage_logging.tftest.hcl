mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  rest_api_id = "a1b2c3d4e5"
  stage_name  = "prod"
}

run "defaults" {
  command = plan

  assert {
    condition     = aws_api_gateway_method_settings.this.method_path == "*/*"
    error_message = "Settings apply to every method by default."
  }

  assert {
    condition     = aws_api_gateway_method_settings.this.settings[0].logging_level == "INFO"
    error_message = "Execution logging defaults to INFO."
  }

  assert {
    condition     = aws_api_gateway_method_settings.this.settings[0].data_trace_enabled == false
    error_message = "Data trace (full request/response logging) must default to off."
  }

  assert {
    condition     = aws_api_gateway_method_settings.this.settings[0].metrics_enabled == true
    error_message = "Detailed metrics default to on."
  }

  assert {
    condition     = aws_api_gateway_method_settings.this.settings[0].throttling_burst_limit == -1 && aws_api_gateway_method_settings.this.settings[0].throttling_rate_limit == -1
    error_message = "Throttling must be left alone (-1) unless set."
  }

  assert {
    condition     = aws_cloudwatch_log_group.execution[0].name == "API-Gateway-Execution-Logs_a1b2c3d4e5/prod" && aws_cloudwatch_log_group.execution[0].retention_in_days == 30
    error_message = "The execution log group is pre-created with API Gateway's name and a 30-day retention."
  }

  assert {
    condition     = output.execution_log_group_name == "API-Gateway-Execution-Logs_a1b2c3d4e5/prod"
    error_message = "execution_log_group_name must be API Gateway's name for the stage's execution log."
  }
}

run "all_settings" {
  command = plan

  variables {
    method_path                     = "orders/GET"
    logging_level                   = "ERROR"
    data_trace_enabled              = true
    metrics_enabled                 = false
    throttling_burst_limit          = 200
    throttling_rate_limit           = 100.5
    execution_log_retention_in_days = 7
    execution_log_kms_key_arn       = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = aws_api_gateway_method_settings.this.method_path == "orders/GET" && aws_api_gateway_method_settings.this.settings[0].logging_level == "ERROR"
    error_message = "method_path and logging_level must be used."
  }

  assert {
    condition     = aws_api_gateway_method_settings.this.settings[0].data_trace_enabled && !aws_api_gateway_method_settings.this.settings[0].metrics_enabled
    error_message = "data_trace_enabled and metrics_enabled must be used."
  }

  assert {
    condition     = aws_api_gateway_method_settings.this.settings[0].throttling_burst_limit == 200 && aws_api_gateway_method_settings.this.settings[0].throttling_rate_limit == 100.5
    error_message = "Throttling limits must be set when given."
  }

  assert {
    condition     = aws_cloudwatch_log_group.execution[0].retention_in_days == 7 && aws_cloudwatch_log_group.execution[0].kms_key_id == "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    error_message = "Execution log retention and key must be used."
  }
}

run "logging_off_without_log_group" {
  command = plan

  variables {
    logging_level              = "OFF"
    create_execution_log_group = false
  }

  assert {
    condition     = length(aws_cloudwatch_log_group.execution) == 0 && output.execution_log_group_arn == null
    error_message = "create_execution_log_group = false must not create the group."
  }

  assert {
    condition     = aws_api_gateway_method_settings.this.settings[0].logging_level == "OFF"
    error_message = "OFF must be accepted."
  }
}

run "explicit_null_means_the_default" {
  command = plan

  variables {
    logging_level                   = null
    execution_log_retention_in_days = null
  }

  assert {
    condition     = aws_api_gateway_method_settings.this.settings[0].logging_level == "INFO" && aws_cloudwatch_log_group.execution[0].retention_in_days == 30
    error_message = "A null input must fall back to the default, not break the plan."
  }
}
