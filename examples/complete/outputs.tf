output "rest_api_id" {
  description = "ID of the example REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "stage_name" {
  description = "Name of the stage."
  value       = aws_api_gateway_stage.this.stage_name
}

output "invoke_url" {
  description = "Base URL of the stage; try <invoke_url>/orders and <invoke_url>/orders?status=503."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "access_log_group_name" {
  description = "Access-log group of the stage."
  value       = module.api_logging.access_log_group_name
}

output "execution_log_group_name" {
  description = "Execution log group of the stage."
  value       = module.api_logging.execution_log_group_name
}

output "alarm_arns" {
  description = "The error alarms, by class."
  value       = module.api_logging.alarm_arns
}

output "sns_topic_arn" {
  description = "Topic the alarms notify."
  value       = module.api_logging.sns_topic_arn
}

output "notifier_function_name" {
  description = "The scheduled notifier (method 2)."
  value       = module.api_logging.notifier_function_name
}

output "notifier_rule_name" {
  description = "The EventBridge rule that runs the notifier."
  value       = module.api_logging.notifier_rule_name
}

output "webhook_parameter_name" {
  description = "SSM parameter holding the webhook URL (the URL itself is never output)."
  value       = module.api_logging.webhook_parameter_name
}

output "notifier_failure_queue_url" {
  description = "Where windows the notifier could not report wait for replay."
  value       = module.api_logging.notifier_failure_queue_url
}

output "kms_key_policy_json" {
  description = "The key-policy statements a KMS key would need to encrypt this example's log groups and topic."
  value       = module.api_logging.kms_key_policy_json
}
