output "alarm_arns" {
  description = "The error alarms, by class."
  value       = module.api_errors.alarm_arns
}

output "metric_filter_patterns" {
  description = "What each alarm counts."
  value       = module.api_errors.metric_filter_patterns
}

output "sns_topic_arn" {
  description = "Topic the alarms notify: subscribe to it."
  value       = module.api_errors.sns_topic_arn
}
