mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "defaults_create_role_and_account_setting" {
  command = plan

  # The created role's ARN is known only after apply: give it one, to see it reach the account setting.
  override_resource {
    target          = aws_iam_role.this
    values          = { arn = "arn:aws:iam::123456789012:role/apigateway-cloudwatch-eu-west-1" }
    override_during = plan
  }

  assert {
    condition     = aws_iam_role.this[0].name == "apigateway-cloudwatch-eu-west-1" && aws_iam_role.this[0].path == "/"
    error_message = "The default role is apigateway-cloudwatch-<region> under /."
  }

  assert {
    condition     = aws_iam_role_policy_attachment.push_to_cloudwatch_logs[0].policy_arn == "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
    error_message = "The role must get the AWS managed AmazonAPIGatewayPushToCloudWatchLogs policy."
  }

  assert {
    condition     = length(aws_api_gateway_account.this) == 1 && aws_api_gateway_account.this[0].cloudwatch_role_arn == "arn:aws:iam::123456789012:role/apigateway-cloudwatch-eu-west-1"
    error_message = "The account setting is managed by default and points at the created role."
  }
}

run "existing_role_is_used_and_nothing_is_created" {
  command = plan

  variables {
    create_cloudwatch_role = false
    cloudwatch_role_arn    = "arn:aws:iam::123456789012:role/service-role/shared-apigw-logs"
  }

  assert {
    condition     = length(aws_iam_role.this) == 0 && length(aws_iam_role_policy_attachment.push_to_cloudwatch_logs) == 0
    error_message = "create_cloudwatch_role = false must suppress the role and its attachment."
  }

  assert {
    condition     = aws_api_gateway_account.this[0].cloudwatch_role_arn == "arn:aws:iam::123456789012:role/service-role/shared-apigw-logs"
    error_message = "The account setting must point at cloudwatch_role_arn."
  }

  assert {
    condition     = output.cloudwatch_role_arn == "arn:aws:iam::123456789012:role/service-role/shared-apigw-logs" && output.cloudwatch_role_name == null
    error_message = "cloudwatch_role_arn must be passed through and cloudwatch_role_name be null."
  }
}

run "role_without_the_account_setting" {
  command = plan

  variables {
    create_account_setting = false
    cloudwatch_role_name   = "team-apigw-logs"
    iam_role_path          = "/service-role/"
    tags                   = { team = "platform" }
    cloudwatch_role_tags   = { purpose = "apigw" }
  }

  assert {
    condition     = length(aws_api_gateway_account.this) == 0 && output.account_cloudwatch_role_arn == null
    error_message = "create_account_setting = false must leave the account setting alone."
  }

  assert {
    condition     = aws_iam_role.this[0].name == "team-apigw-logs" && aws_iam_role.this[0].path == "/service-role/"
    error_message = "cloudwatch_role_name and iam_role_path must be used."
  }

  assert {
    condition     = aws_iam_role.this[0].tags == tomap({ team = "platform", purpose = "apigw" })
    error_message = "tags and cloudwatch_role_tags must be merged on the role."
  }
}

run "permissions_boundary" {
  command = plan

  variables {
    iam_role_permissions_boundary_arn = "arn:aws:iam::123456789012:policy/boundary"
  }

  assert {
    condition     = aws_iam_role.this[0].permissions_boundary == "arn:aws:iam::123456789012:policy/boundary"
    error_message = "The boundary must be set on the role."
  }
}

