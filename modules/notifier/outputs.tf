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
  description = "Name of the SSM SecureString parameter holding the webhook URL (created or given), or null with slack_delivery = \"app\". The URL itself is never output."
  value       = local.webhook_delivery ? local.webhook_parameter_name : null
}

output "bot_token_parameter_name" {
  description = "Name of the SSM SecureString parameter holding the Slack app's bot token (created or given), or null with slack_delivery = \"webhook\". The token itself is never output."
  value       = local.app_delivery ? local.bot_token_parameter_name : null
}

output "state_table_name" {
  description = "Name of the DynamoDB table holding the function's state (created or given), or null without one."
  value       = local.has_state_table ? local.state_table_name : null
}

output "state_table_arn" {
  description = "ARN of the state table (created or given), or null without one."
  value       = local.has_state_table ? local.state_table_arn : null
}

output "schedule_expression" {
  description = "The rule's schedule: a cron expression on whole multiples of notifier_schedule_interval_minutes."
  value       = local.schedule_expression
}

output "failure_alarm_arns" {
  description = "ARNs of the alarms on windows the function could not report (and, with the failure queue, that await replay); empty when create_notifier_failure_alarm is false. They notify notifier_failure_alarm_sns_topic_arn, whose policy must let them publish."
  value       = concat(aws_cloudwatch_metric_alarm.unreported[*].arn, aws_cloudwatch_metric_alarm.awaiting_replay[*].arn)
}

output "failure_queue_url" {
  description = "URL of the queue where runs that could not report their window wait for replay, or null without it."
  value       = one(aws_sqs_queue.failures[*].url)
}

output "failure_queue_arn" {
  description = "ARN of the failure queue, or null."
  value       = one(aws_sqs_queue.failures[*].arn)
}

output "log_group_names" {
  description = "The access-log groups the function queries."
  value       = var.log_group_names
}

output "environment" {
  description = "The function's environment: its settings as the function reads them (the parameters' names, never the webhook URL or the bot token)."
  value       = local.environment
}

output "failure_alarm_actions" {
  description = "Topics each failure alarm notifies on ALARM and on OK, by alarm name."
  value = {
    for alarm in concat(aws_cloudwatch_metric_alarm.unreported, aws_cloudwatch_metric_alarm.awaiting_replay) :
    alarm.alarm_name => { alarm = alarm.alarm_actions, ok = alarm.ok_actions }
  }
}

output "kms_key_policy_json" {
  description = "Key-policy statement(s) a KMS key needs before it can encrypt the notifier's own log group: merge them into the key's policy (for example with source_policy_documents)."
  value       = data.aws_iam_policy_document.kms_key_policy.json
}

output "alarm_digest_topic_arn" {
  description = "Topic the function is subscribed to for alarm digests (null without enable_alarm_digest)."
  value       = one(aws_sns_topic_subscription.alarm_digest[*].topic_arn)
}
