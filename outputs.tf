output "cloudwatch_role_arn" {
  description = "ARN of the role in the API Gateway account setting, or null when create_account_setting is false."
  value       = one(module.apigateway_account[*].account_cloudwatch_role_arn)
}

output "access_log_group_name" {
  description = "Name of the access-log group (created or given)."
  value       = module.access_log_group.access_log_group_name
}

output "access_log_destination_arn" {
  description = "Destination for the stage's access_log_settings.destination_arn (null when create_access_log_group is false: use your group's ARN). Known only once the account setting exists, so a stage that uses it is created after it (API Gateway refuses access logging before)."
  value       = module.access_log_group.access_log_group_arn
  depends_on  = [module.apigateway_account]
}

output "access_log_format" {
  description = "JSON access-log format for the stage's access_log_settings.format (status is a JSON number)."
  value       = module.access_log_group.access_log_format
}

output "default_route_settings" {
  description = "For an HTTP API stage's default_route_settings block (HTTP APIs have no method settings): detailed metrics and throttling from metrics_enabled, throttling_burst_limit and throttling_rate_limit (null limits: set none)."
  value = {
    detailed_metrics_enabled = var.metrics_enabled
    throttling_burst_limit   = var.throttling_burst_limit
    throttling_rate_limit    = var.throttling_rate_limit
  }
}

output "execution_log_group_name" {
  description = "Name of the stage's execution log group, or null when create_method_settings is false."
  value       = one(module.stage_logging[*].execution_log_group_name)
}

output "metric_filter_patterns" {
  description = "Filter pattern of each enabled alarm class (4xx, 5xx)."
  value       = var.create_alarms ? one(module.error_alarm[*].metric_filter_patterns) : tomap({})
}

output "alarm_arns" {
  description = "ARN of each enabled alarm, by class (4xx, 5xx)."
  value       = var.create_alarms ? one(module.error_alarm[*].alarm_arns) : tomap({})
}

output "sns_topic_arn" {
  description = "ARN of the SNS topic the alarms notify, or null when create_alarms is false."
  value       = one(module.error_alarm[*].sns_topic_arn)
}

output "chatbot_configuration_arn" {
  description = "ARN of the Chatbot Slack channel configuration, or null."
  value       = one(module.error_alarm[*].chatbot_configuration_arn)
}

output "notifier_function_name" {
  description = "Name of the notifier function, or null when create_notifier is false."
  value       = one(module.notifier[*].function_name)
}

output "notifier_function_arn" {
  description = "ARN of the notifier function, or null."
  value       = one(module.notifier[*].function_arn)
}

output "notifier_rule_name" {
  description = "Name of the EventBridge rule that runs the notifier, or null."
  value       = one(module.notifier[*].rule_name)
}

output "webhook_parameter_name" {
  description = "SSM parameter holding the Slack webhook URL (never the URL itself), or null (no notifier, or the app delivery)."
  value       = one(module.notifier[*].webhook_parameter_name)
}

output "bot_token_parameter_name" {
  description = "SSM parameter holding the Slack app's bot token (never the token itself), or null (no notifier, or the webhook delivery)."
  value       = one(module.notifier[*].bot_token_parameter_name)
}

output "state_table_name" {
  description = "The notifier's DynamoDB state table (created or given), or null without a notifier or a table."
  value       = one(module.notifier[*].state_table_name)
}

output "state_table_arn" {
  description = "ARN of the notifier's state table, or null."
  value       = one(module.notifier[*].state_table_arn)
}

output "notifier_failure_alarm_arns" {
  description = "ARNs of the alarms on windows the notifier could not report (they notify the alarm topic); empty without them."
  value       = flatten(module.notifier[*].failure_alarm_arns)
}

output "notifier_failure_queue_url" {
  description = "URL of the queue where windows the notifier could not report wait for replay, or null."
  value       = one(module.notifier[*].failure_queue_url)
}

output "kms_key_policy_json" {
  description = "Key-policy statements for every log group and topic the bundle creates: the Logs service may encrypt each log group, CloudWatch may publish to the encrypted alarm topic. Merge them into the policy of the key(s) you pass (source_policy_documents)."
  value       = data.aws_iam_policy_document.kms_key_policy.json
}
