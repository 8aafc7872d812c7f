output "api_id" {
  description = "ID of the example HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "invoke_url" {
  description = "URL of the $default stage; try <invoke_url>/items/1?status=503."
  value       = aws_apigatewayv2_stage.this.invoke_url
}

output "access_log_group_name" {
  description = "Access-log group of the stage."
  value       = module.api_logging.access_log_group_name
}

output "sns_topic_arn" {
  description = "Topic the alarms notify (the notifier reads it for the alarm digest)."
  value       = module.api_logging.sns_topic_arn
}

output "notifier_function_name" {
  description = "The notifier, posting as the Slack app."
  value       = module.api_logging.notifier_function_name
}

output "bot_token_parameter_name" {
  description = "SSM parameter holding the bot token (the token itself is never output)."
  value       = module.api_logging.bot_token_parameter_name
}

output "state_table_name" {
  description = "DynamoDB table holding the notifier's incidents, mutes and what quiet hours held."
  value       = module.api_logging.state_table_name
}

output "state_table_arn" {
  description = "ARN of the state table."
  value       = module.api_logging.state_table_arn
}
