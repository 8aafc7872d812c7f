mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "defaults_create_role_and_account_setting" {
  command = plan

  assert {
    condition     = aws_iam_role.this[0].name == "apigateway-cloudwatch-eu-west-1" && aws_iam_role.this[0].path == "/service-role/"
    error_message = "The default role is apigateway-cloudwatch-<region> under /service-role/."
  }

  assert {
    condition     = aws_iam_role_policy_attachment.push_to_cloudwatch_logs[0].policy_arn == "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
    error_message = "The role must get the AWS managed AmazonAPIGatewayPushToCloudWatchLogs policy."
  }

  assert {
    condition     = length(aws_api_gateway_account.this) == 1
    error_message = "The account setting is managed by default."
  }
}

run "existing_role_is_used_and_nothing_is_created" {
  command = plan

  variables {
    existing_role_arn = "arn:aws:iam::123456789012:role/service-role/shared-apigw-logs"
  }

  assert {
    condition     = length(aws_iam_role.this) == 0 && length(aws_iam_role_policy_attachment.push_to_cloudwatch_logs) == 0
    error_message = "existing_role_arn must suppress the role and its attachment."
  }

  assert {
    condition     = aws_api_gateway_account.this[0].cloudwatch_role_arn == "arn:aws:iam::123456789012:role/service-role/shared-apigw-logs"
    error_message = "The account setting must point at existing_role_arn."
  }

  assert {
    condition     = output.role_arn == "arn:aws:iam::123456789012:role/service-role/shared-apigw-logs" && output.role_name == null
    error_message = "role_arn must be existing_role_arn and role_name null."
  }
}

run "account_setting_opt_out" {
  command = plan

  variables {
    manage_account_setting = false
    role_name              = "team-apigw-logs"
    role_path              = "/"
    tags                   = { team = "platform" }
    role_tags              = { purpose = "apigw" }
  }

  assert {
    condition     = length(aws_api_gateway_account.this) == 0 && output.account_cloudwatch_role_arn == null
    error_message = "manage_account_setting = false must leave the account setting alone."
  }

  assert {
    condition     = aws_iam_role.this[0].name == "team-apigw-logs" && aws_iam_role.this[0].path == "/"
    error_message = "role_name and role_path must be used."
  }

  assert {
    condition     = aws_iam_role.this[0].tags == tomap({ team = "platform", purpose = "apigw" })
    error_message = "tags and role_tags must be merged on the role."
  }
}

run "permissions_boundary" {
  command = plan

  variables {
    role_permissions_boundary_arn = "arn:aws:iam::123456789012:policy/boundary"
  }

  assert {
    condition     = aws_iam_role.this[0].permissions_boundary == "arn:aws:iam::123456789012:policy/boundary"
    error_message = "The boundary must be set on the role."
  }
}

run "rejects_existing_role_that_is_not_an_arn" {
  command = plan

  variables {
    existing_role_arn = "my-role"
  }

  expect_failures = [var.existing_role_arn]
}

run "rejects_bad_role_name" {
  command = plan

  variables {
    role_name = "has spaces"
  }

  expect_failures = [var.role_name]
}

run "rejects_role_path_without_slashes" {
  command = plan

  variables {
    role_path = "service-role"
  }

  expect_failures = [var.role_path]
}

run "rejects_boundary_that_is_not_a_policy_arn" {
  command = plan

  variables {
    role_permissions_boundary_arn = "arn:aws:iam::123456789012:role/not-a-policy"
  }

  expect_failures = [var.role_permissions_boundary_arn]
}
