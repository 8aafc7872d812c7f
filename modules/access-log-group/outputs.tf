output "access_log_group_name" {
  description = "Name of the access-log group."
  value       = var.create_access_log_group ? one(aws_cloudwatch_log_group.this[*].name) : local.log_group_name
}

output "access_log_group_arn" {
  description = "ARN of the created access-log group, without the trailing :* (the form a stage's access_log_settings.destination_arn takes); null when create_access_log_group is false."
  value       = one(aws_cloudwatch_log_group.this[*].arn)
}

output "access_log_format" {
  description = "JSON access-log format for the stage's access_log_settings.format; status is a JSON number so numeric filters work."
  value       = local.access_log_format
}

output "access_log_fields" {
  description = "The fields of access_log_format, as name => $context variable."
  value       = merge(local.string_fields, local.numeric_fields)
}

output "kms_key_policy_json" {
  description = "Key-policy statement(s) a KMS key needs before it can encrypt the access-log group: merge them into the key's policy (for example with source_policy_documents)."
  value       = data.aws_iam_policy_document.kms_key_policy.json
}
