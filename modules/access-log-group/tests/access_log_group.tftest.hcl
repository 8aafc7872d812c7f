mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  name = "orders-api"
}

run "defaults" {
  command = plan

  assert {
    condition     = aws_cloudwatch_log_group.this[0].name == "/aws/apigateway/orders-api-accesslog"
    error_message = "The default log group name must be /aws/apigateway/<name>-accesslog."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this[0].retention_in_days == 90
    error_message = "The default retention must be 90 days."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this[0].kms_key_id == null
    error_message = "No KMS key unless one is given."
  }
}

run "format_is_json_with_a_numeric_status" {
  command = plan

  # Stand in for the values API Gateway substitutes: a number for status, strings for the rest.
  assert {
    condition     = jsondecode(replace(output.access_log_format, "$context.status", "503")).status == 503
    error_message = "status must be emitted as a JSON number, so { $.status >= 400 } matches."
  }

  assert {
    condition = alltrue([
      for field in ["requestId", "extendedRequestId", "ip", "caller", "user", "requestTime", "httpMethod", "resourcePath", "path", "status", "protocol", "responseLength", "responseLatency", "integrationStatus", "integrationErrorMessage", "xrayTraceId", "apiId", "stage"] :
      contains(keys(jsondecode(replace(output.access_log_format, "$context.status", "200"))), field)
    ])
    error_message = "The access-log format lacks one of the required fields."
  }

  assert {
    condition     = jsondecode(replace(output.access_log_format, "$context.status", "200")).requestId == "$context.requestId"
    error_message = "requestId must be a quoted $context.requestId."
  }
}

run "custom_name_retention_key_and_extra_fields" {
  command = plan

  variables {
    access_log_group_name        = "/custom/access"
    access_log_retention_in_days = 14
    access_log_kms_key_arn       = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    access_log_additional_fields = { userAgent = "$context.identity.userAgent" }
    tags                         = { team = "payments" }
    access_log_group_tags        = { purpose = "access-log" }
  }

  assert {
    condition     = aws_cloudwatch_log_group.this[0].name == "/custom/access" && aws_cloudwatch_log_group.this[0].retention_in_days == 14
    error_message = "access_log_group_name and access_log_retention_in_days must be used."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this[0].kms_key_id == "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    error_message = "access_log_kms_key_arn must encrypt the log group."
  }

  assert {
    condition     = jsondecode(replace(output.access_log_format, "$context.status", "200")).userAgent == "$context.identity.userAgent"
    error_message = "access_log_additional_fields must be added to the format."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this[0].tags == tomap({ team = "payments", purpose = "access-log" })
    error_message = "tags and access_log_group_tags must be merged."
  }
}

run "existing_group_creates_nothing" {
  command = plan

  variables {
    create_access_log_group = false
    access_log_group_name   = "/existing/access"
  }

  assert {
    condition     = length(aws_cloudwatch_log_group.this) == 0
    error_message = "create_access_log_group = false must not create a log group."
  }

  assert {
    condition     = output.access_log_group_name == "/existing/access" && output.access_log_group_arn == null
    error_message = "With create_access_log_group = false the outputs name the existing group and have no ARN."
  }
}

run "http_api_format_names_the_route_key_and_keeps_a_numeric_status" {
  command = plan

  variables {
    api_type = "HTTP"
  }

  assert {
    condition     = jsondecode(replace(output.access_log_format, "$context.status", "502")).status == 502 && jsondecode(replace(output.access_log_format, "$context.status", "502")).routeKey == "$context.routeKey"
    error_message = "HTTP API lines carry routeKey and a numeric status."
  }

  assert {
    condition     = !contains(keys(jsondecode(replace(output.access_log_format, "$context.status", "502"))), "resourcePath") && !contains(keys(jsondecode(replace(output.access_log_format, "$context.status", "502"))), "xrayTraceId")
    error_message = "HTTP APIs have no resource path or X-Ray variables."
  }
}


# The formats stages already use, written out: the format is built from the contract, and a change to either string
# would show as a diff on every user's stage (and change what their log lines look like).
run "rest_format_is_the_one_stages_use" {
  command = plan

  assert {
    condition     = output.access_log_format == "{\"apiId\":\"$context.apiId\",\"caller\":\"$context.identity.caller\",\"errorMessage\":\"$context.error.message\",\"extendedRequestId\":\"$context.extendedRequestId\",\"httpMethod\":\"$context.httpMethod\",\"integrationErrorMessage\":\"$context.integrationErrorMessage\",\"integrationStatus\":\"$context.integrationStatus\",\"ip\":\"$context.identity.sourceIp\",\"path\":\"$context.path\",\"protocol\":\"$context.protocol\",\"requestId\":\"$context.requestId\",\"requestTime\":\"$context.requestTime\",\"resourcePath\":\"$context.resourcePath\",\"responseLatency\":\"$context.responseLatency\",\"responseLength\":\"$context.responseLength\",\"stage\":\"$context.stage\",\"user\":\"$context.identity.user\",\"xrayTraceId\":\"$context.xrayTraceId\",\"status\":$context.status}"
    error_message = "The REST access-log format changed: users' stages would see a diff."
  }
}

run "http_format_is_the_one_stages_use" {
  command = plan

  variables {
    api_type = "HTTP"
  }

  assert {
    condition     = output.access_log_format == "{\"apiId\":\"$context.apiId\",\"domainName\":\"$context.domainName\",\"errorMessage\":\"$context.error.message\",\"extendedRequestId\":\"$context.extendedRequestId\",\"httpMethod\":\"$context.httpMethod\",\"integrationErrorMessage\":\"$context.integrationErrorMessage\",\"integrationLatency\":\"$context.integrationLatency\",\"integrationStatus\":\"$context.integrationStatus\",\"ip\":\"$context.identity.sourceIp\",\"path\":\"$context.path\",\"protocol\":\"$context.protocol\",\"requestId\":\"$context.requestId\",\"requestTime\":\"$context.requestTime\",\"responseLatency\":\"$context.responseLatency\",\"responseLength\":\"$context.responseLength\",\"routeKey\":\"$context.routeKey\",\"stage\":\"$context.stage\",\"status\":$context.status}"
    error_message = "The HTTP access-log format changed: users' stages would see a diff."
  }
}
