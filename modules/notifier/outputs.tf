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

output "schedule_interval_seconds" {
  description = "Length of each run's window, from schedule_expression."
  value       = local.interval_seconds
}

output "failure_alarm_arn" {
  description = "ARN of the alarm on the function's errors, or null when enable_failure_alarm is false."
  value       = one(aws_cloudwatch_metric_alarm.failures[*].arn)
}
