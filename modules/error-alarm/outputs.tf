output "metric_filter_patterns" {
  description = "Filter pattern of each enabled status class (4xx, 5xx)."
  value       = { for class, filter in aws_cloudwatch_log_metric_filter.this : class => filter.pattern }
}

output "metric_names" {
  description = "CloudWatch metric name of each enabled status class, in metric_namespace."
  value       = { for class, filter in aws_cloudwatch_log_metric_filter.this : class => filter.metric_transformation[0].name }
}

output "metric_namespace" {
  description = "CloudWatch namespace of the error-count metrics."
  value       = var.metric_namespace
}

output "alarm_arns" {
  description = "ARN of each enabled alarm, by status class (4xx, 5xx) and, for the rate alarms, 4xx-rate and 5xx-rate."
  value = merge(
    { for class, alarm in aws_cloudwatch_metric_alarm.this : class => alarm.arn },
    { for class, alarm in aws_cloudwatch_metric_alarm.rate : "${class}-rate" => alarm.arn },
  )
}

output "alarm_names" {
  description = "Name of each enabled alarm, by status class (4xx, 5xx) and, for the rate alarms, 4xx-rate and 5xx-rate."
  value = merge(
    { for class, alarm in aws_cloudwatch_metric_alarm.this : class => alarm.alarm_name },
    { for class, alarm in aws_cloudwatch_metric_alarm.rate : "${class}-rate" => alarm.alarm_name },
  )
}

output "sns_topic_arn" {
  description = "ARN of the SNS topic the alarms notify (created or given)."
  value       = local.sns_topic_arn
}

output "chatbot_configuration_arn" {
  description = "ARN of the Chatbot Slack channel configuration, or null when Chatbot is off."
  value       = one(aws_chatbot_slack_channel_configuration.this[*].chat_configuration_arn)
}

output "chatbot_role_arn" {
  description = "ARN of the Chatbot channel role, or null when Chatbot is off."
  value       = one(aws_iam_role.chatbot[*].arn)
}

output "access_log_group_name" {
  description = "The access-log group the metric filters read."
  value       = var.access_log_group_name
}

output "alarm_actions" {
  description = "Topics each alarm notifies, by class as in alarm_arns: alarm (ALARM) and ok (OK) actions."
  value = merge(
    { for class, alarm in aws_cloudwatch_metric_alarm.this : class => { alarm = alarm.alarm_actions, ok = alarm.ok_actions } },
    { for class, alarm in aws_cloudwatch_metric_alarm.rate : "${class}-rate" => { alarm = alarm.alarm_actions, ok = alarm.ok_actions } },
  )
}

output "sns_topic_publisher_alarm_arns" {
  description = "Every alarm the created topic's policy lets CloudWatch publish for (this module's and sns_topic_publisher_alarm_arns)."
  value       = var.create_sns_topic ? local.publisher_alarm_arns : []
}

output "kms_key_policy_json" {
  description = "Key-policy statement a KMS key needs before it can encrypt the alarm topic (CloudWatch publishing to it): merge it into the key's policy (for example with source_policy_documents)."
  value       = data.aws_iam_policy_document.kms_key_policy.json
}
