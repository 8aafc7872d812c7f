output "execution_log_group_name" {
  description = "Name of the execution log group API Gateway writes to (whether or not this module created it)."
  value       = local.execution_log_group_name
}

output "execution_log_group_arn" {
  description = "ARN of the execution log group, or null when this module did not create it."
  value       = one(aws_cloudwatch_log_group.execution[*].arn)
}

output "method_settings_id" {
  description = "ID of the method settings (<rest_api_id>-<stage_name>-<method_path>)."
  value       = aws_api_gateway_method_settings.this.id
}

output "method_settings" {
  description = "Where the settings apply (rest_api_id, stage_name, method_path) and what they are."
  value = {
    rest_api_id = aws_api_gateway_method_settings.this.rest_api_id
    stage_name  = aws_api_gateway_method_settings.this.stage_name
    method_path = aws_api_gateway_method_settings.this.method_path
    settings    = one(aws_api_gateway_method_settings.this.settings)
  }
}

output "kms_key_policy_json" {
  description = "Key-policy statement(s) a KMS key needs before it can encrypt the execution log group: merge them into the key's policy (for example with source_policy_documents)."
  value       = data.aws_iam_policy_document.kms_key_policy.json
}
