output "role_arn" {
  description = "ARN of the role API Gateway pushes logs with (the created one, or existing_role_arn)."
  value       = local.create_role ? one(aws_iam_role.this[*].arn) : var.existing_role_arn
}

output "role_name" {
  description = "Name of the created role, or null when existing_role_arn was given."
  value       = one(aws_iam_role.this[*].name)
}

output "account_cloudwatch_role_arn" {
  description = "The role ARN as recorded in the API Gateway account setting, or null when this module does not manage it. Referring to it makes a resource wait until the setting exists (stages and method settings need that)."
  value       = one(aws_api_gateway_account.this[*].cloudwatch_role_arn)
}
