output "function_name" {
  description = "Name of the notifier function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the notifier function."
  value       = aws_lambda_function.this.arn
}

output "role_arn" {
  description = "ARN of the function's IAM role."
  value       = aws_iam_role.this.arn
}

output "rule_name" {
  description = "Name of the EventBridge rule that runs the function."
  value       = aws_cloudwatch_event_rule.this.name
}

output "rule_arn" {
  description = "ARN of the EventBridge rule."
  value       = aws_cloudwatch_event_rule.this.arn
}

output "log_group_name" {
  description = "The function's own log group (its run summaries)."
  value       = aws_cloudwatch_log_group.this.name
}

output "webhook_parameter_name" {
  description = "Name of the SSM SecureString parameter holding the webhook URL (created or given). The URL itself is never output."
  value       = local.webhook_parameter_name
}

output "schedule_expression" {
  description = "The rule's schedule: a cron expression on whole multiples of notifier_schedule_interval_minutes."
  value       = local.schedule_expression
}

output "failure_alarm_arn" {
  description = "ARN of the alarm on the function's errors, or null when create_notifier_failure_alarm is false."
  value       = one(aws_cloudwatch_metric_alarm.failures[*].arn)
}

output "log_group_names" {
  description = "The access-log groups the function queries."
  value       = var.log_group_names
}

output "environment" {
  description = "The function's environment: its settings as the function reads them (the webhook parameter's name, never the URL)."
  value       = local.environment
}

output "failure_alarm_actions" {
  description = "Topics the failure alarm notifies on ALARM and on OK, or null without the alarm."
  value       = one([for alarm in aws_cloudwatch_metric_alarm.failures : { alarm = alarm.alarm_actions, ok = alarm.ok_actions }])
}
