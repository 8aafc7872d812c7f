output "api_id" {
  description = "ID of the example HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "invoke_url" {
  description = "URL of the $default stage; try <invoke_url>/items/1 and <invoke_url>/items/1?status=503."
  value       = aws_apigatewayv2_stage.this.invoke_url
}

output "access_log_group_name" {
  description = "Access-log group of the stage."
  value       = module.api_logging.access_log_group_name
}

output "metric_filter_patterns" {
  description = "What each count alarm counts."
  value       = module.api_logging.metric_filter_patterns
}

output "alarm_arns" {
  description = "The error alarms, by class (count and rate)."
  value       = module.api_logging.alarm_arns
}

output "sns_topic_arn" {
  description = "Topic the alarms notify (the notifier reads it for the alarm digest)."
  value       = module.api_logging.sns_topic_arn
}

output "notifier_function_name" {
  description = "The notifier (method 2)."
  value       = module.api_logging.notifier_function_name
}

output "webhook_parameter_name" {
  description = "SSM parameter holding the webhook URL (the URL itself is never output)."
  value       = module.api_logging.webhook_parameter_name
}
