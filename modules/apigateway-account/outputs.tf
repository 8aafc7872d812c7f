output "cloudwatch_role_arn" {
  description = "ARN of the role API Gateway pushes logs with (the created one, or cloudwatch_role_arn)."
  value       = local.cloudwatch_role_arn
}

output "cloudwatch_role_name" {
  description = "Name of the created role, or null when create_cloudwatch_role is false."
  value       = one(aws_iam_role.this[*].name)
}

output "account_cloudwatch_role_arn" {
  description = "The role ARN as recorded in the API Gateway account setting, or null when create_account_setting is false. Referring to it makes a resource wait until the setting exists (stages and method settings need that)."
  value       = one(aws_api_gateway_account.this[*].cloudwatch_role_arn)
}
