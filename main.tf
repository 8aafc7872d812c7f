# Composes the modules for one REST API stage. Each part has a switch; each submodule also works alone.

module "apigateway_account" {
  source = "./modules/apigateway-account"
  count  = var.manage_account_setting ? 1 : 0

  # The role is per region, not per API: its default name is apigateway-cloudwatch-<region>.
  existing_role_arn = var.cloudwatch_role_arn

  tags = var.tags
}

module "access_log_group" {
  source = "./modules/access-log-group"

  create            = var.create_access_log_group
  name              = var.name
  log_group_name    = var.access_log_group_name
  retention_in_days = var.access_log_retention_in_days
  kms_key_arn       = var.access_log_kms_key_arn

  tags = var.tags
}

module "stage_logging" {
  source = "./modules/stage-logging"
  count  = var.enable_execution_logging ? 1 : 0

  rest_api_id                     = var.rest_api_id
  stage_name                      = var.stage_name
  logging_level                   = var.logging_level
  data_trace_enabled              = var.data_trace_enabled
  metrics_enabled                 = var.metrics_enabled
  throttling_burst_limit          = var.throttling_burst_limit
  throttling_rate_limit           = var.throttling_rate_limit
  create_execution_log_group      = var.create_execution_log_group
  execution_log_retention_in_days = var.execution_log_retention_in_days

  tags = var.tags

  # API Gateway refuses execution logging until the account has a CloudWatch role.
  depends_on = [module.apigateway_account]
}

module "error_alarm" {
  source = "./modules/error-alarm"
  count  = var.enable_alarm ? 1 : 0

  name                     = var.name
  log_group_name           = module.access_log_group.log_group_name
  error_status_threshold   = var.error_status_threshold
  enable_4xx_alarm         = var.enable_4xx_alarm
  alarm_4xx_threshold      = var.alarm_4xx_threshold
  enable_5xx_alarm         = var.enable_5xx_alarm
  alarm_5xx_threshold      = var.alarm_5xx_threshold
  alarm_period             = var.alarm_period
  alarm_evaluation_periods = var.alarm_evaluation_periods
  metric_namespace         = var.metric_namespace
  create_sns_topic         = var.sns_topic_arn == null
  sns_topic_arn            = var.sns_topic_arn

  enable_chatbot                = var.enable_chatbot
  chatbot_slack_team_id         = var.chatbot_slack_team_id
  chatbot_slack_channel_id      = var.chatbot_slack_channel_id
  chatbot_guardrail_policy_arns = var.chatbot_guardrail_policy_arns

  tags = var.tags
}

module "notifier" {
  source = "./modules/notifier"
  count  = var.enable_notifier ? 1 : 0

  name            = var.name
  log_group_names = [module.access_log_group.log_group_name]
  # The same definition of an error as the alarm above.
  error_status_threshold = var.error_status_threshold

  slack_webhook_url             = var.slack_webhook_url
  webhook_parameter_name        = var.webhook_parameter_name
  webhook_parameter_kms_key_arn = var.webhook_parameter_kms_key_arn
  schedule_expression           = var.notifier_schedule_expression
  ingestion_lag_seconds         = var.notifier_ingestion_lag_seconds
  sample_count                  = var.notifier_sample_count
  message_title                 = coalesce(var.notifier_message_title, "${var.name}: API Gateway errors")
  log_level                     = var.notifier_log_level

  # A broken notifier is an alert too: its failures go to the alarm topic when there is one.
  enable_failure_alarm        = var.enable_alarm
  failure_alarm_sns_topic_arn = one(module.error_alarm[*].sns_topic_arn)

  tags = var.tags
}
