# Composes the modules for one REST API stage. Each part has a switch; each module also works alone. Inputs are
# forwarded under the names the modules give them; the wiring between parts is spelled out where it happens.

module "apigateway_account" {
  source = "./modules/apigateway-account"
  count  = var.create_account_setting || var.create_cloudwatch_role ? 1 : 0

  create_account_setting            = var.create_account_setting
  create_cloudwatch_role            = var.create_cloudwatch_role
  cloudwatch_role_arn               = var.cloudwatch_role_arn
  cloudwatch_role_name              = var.cloudwatch_role_name
  iam_role_path                     = var.iam_role_path
  iam_role_permissions_boundary_arn = var.iam_role_permissions_boundary_arn

  tags                 = var.tags
  cloudwatch_role_tags = var.cloudwatch_role_tags
}

module "access_log_group" {
  source = "./modules/access-log-group"

  name                         = var.name
  api_type                     = var.api_type
  create_access_log_group      = var.create_access_log_group
  access_log_group_name        = var.access_log_group_name
  access_log_retention_in_days = var.access_log_retention_in_days
  access_log_kms_key_arn       = var.access_log_kms_key_arn
  access_log_additional_fields = var.access_log_additional_fields

  tags                  = var.tags
  access_log_group_tags = var.access_log_group_tags
}

module "stage_logging" {
  source = "./modules/stage-logging"
  count  = var.create_method_settings ? 1 : 0

  rest_api_id                     = var.rest_api_id
  stage_name                      = var.stage_name
  method_path                     = var.method_path
  logging_level                   = var.logging_level
  data_trace_enabled              = var.data_trace_enabled
  metrics_enabled                 = var.metrics_enabled
  throttling_burst_limit          = var.throttling_burst_limit
  throttling_rate_limit           = var.throttling_rate_limit
  create_execution_log_group      = var.create_execution_log_group
  execution_log_retention_in_days = var.execution_log_retention_in_days
  execution_log_kms_key_arn       = var.execution_log_kms_key_arn

  tags                     = var.tags
  execution_log_group_tags = var.execution_log_group_tags

  # API Gateway refuses execution logging until the account has a CloudWatch role.
  depends_on = [module.apigateway_account]
}

module "error_alarm" {
  source = "./modules/error-alarm"
  count  = var.create_alarms ? 1 : 0

  name = var.name
  # Wiring: the alarms count the lines of this stage's access-log group.
  access_log_group_name     = module.access_log_group.access_log_group_name
  api_type                  = var.api_type
  error_status_threshold    = var.error_status_threshold
  ignore_statuses           = var.ignore_statuses
  ignore_routes             = var.ignore_routes
  create_4xx_alarm          = var.create_4xx_alarm
  alarm_4xx_threshold       = var.alarm_4xx_threshold
  create_5xx_alarm          = var.create_5xx_alarm
  alarm_5xx_threshold       = var.alarm_5xx_threshold
  alarm_period              = var.alarm_period
  alarm_evaluation_periods  = var.alarm_evaluation_periods
  alarm_datapoints_to_alarm = var.alarm_datapoints_to_alarm
  alarm_treat_missing_data  = var.alarm_treat_missing_data
  enable_ok_actions         = var.enable_ok_actions

  create_error_rate_alarms         = var.create_error_rate_alarms
  alarm_4xx_rate_threshold_percent = var.alarm_4xx_rate_threshold_percent
  alarm_5xx_rate_threshold_percent = var.alarm_5xx_rate_threshold_percent
  rest_api_name                    = var.rest_api_name
  http_api_id                      = var.http_api_id
  stage_name                       = var.stage_name

  metric_namespace      = var.metric_namespace
  metric_name_prefix    = var.metric_name_prefix
  create_sns_topic      = var.create_sns_topic
  sns_topic_name        = var.sns_topic_name
  sns_topic_arn         = var.sns_topic_arn
  sns_topic_kms_key_arn = var.sns_topic_kms_key_arn
  # Wiring: the notifier's failure alarms notify this topic too, so its policy must let them publish. (A static
  # index refers to that one output; a splat would refer to every output of the module, and cycle.)
  sns_topic_publisher_alarm_arns = concat(var.sns_topic_publisher_alarm_arns, var.create_notifier ? module.notifier[0].failure_alarm_arns : [])

  create_chatbot_channel            = var.create_chatbot_channel
  chatbot_slack_team_id             = var.chatbot_slack_team_id
  chatbot_slack_channel_id          = var.chatbot_slack_channel_id
  chatbot_guardrail_policy_arns     = var.chatbot_guardrail_policy_arns
  chatbot_logging_level             = var.chatbot_logging_level
  iam_role_path                     = var.iam_role_path
  iam_role_permissions_boundary_arn = var.iam_role_permissions_boundary_arn

  tags           = var.tags
  alarm_tags     = var.alarm_tags
  sns_topic_tags = var.sns_topic_tags
  chatbot_tags   = var.chatbot_tags
}

module "notifier" {
  source = "./modules/notifier"
  count  = var.create_notifier ? 1 : 0

  name = var.name
  # Wiring: the notifier reads the same access-log group as the alarms, with the same definition of an error.
  log_group_names                    = [module.access_log_group.access_log_group_name]
  error_status_threshold             = var.error_status_threshold
  ignore_statuses                    = var.ignore_statuses
  ignore_routes                      = var.ignore_routes
  notifier_schedule_interval_minutes = var.notifier_schedule_interval_minutes
  # The digest is titled after the API unless the caller says otherwise.
  notifier_settings = merge({ message_title = "${var.name}: API Gateway errors" }, var.notifier_settings)

  # Wiring: the alarm digest reads the alarm topic, for the 4xx/5xx alarms (count and rate) and no other.
  enable_alarm_digest        = var.enable_alarm_digest
  alarm_digest_sns_topic_arn = var.enable_alarm_digest ? module.error_alarm[0].sns_topic_arn : null
  alarm_digest_alarm_names   = var.enable_alarm_digest ? values(module.error_alarm[0].alarm_names) : []

  slack_delivery                = var.slack_delivery
  slack_channel_id              = var.slack_channel_id
  slack_api_url                 = var.slack_api_url
  create_webhook_parameter      = var.create_webhook_parameter
  slack_webhook_url             = var.slack_webhook_url
  slack_webhook_url_version     = var.slack_webhook_url_version
  webhook_parameter_name        = var.webhook_parameter_name
  webhook_parameter_kms_key_arn = var.webhook_parameter_kms_key_arn

  create_bot_token_parameter      = var.create_bot_token_parameter
  slack_bot_token                 = var.slack_bot_token
  slack_bot_token_version         = var.slack_bot_token_version
  bot_token_parameter_name        = var.bot_token_parameter_name
  bot_token_parameter_kms_key_arn = var.bot_token_parameter_kms_key_arn

  create_state_table                        = var.create_state_table
  state_table_name                          = var.state_table_name
  state_table_kms_key_arn                   = var.state_table_kms_key_arn
  enable_state_table_point_in_time_recovery = var.enable_state_table_point_in_time_recovery

  notifier_runtime                        = var.notifier_runtime
  notifier_architecture                   = var.notifier_architecture
  notifier_memory_size                    = var.notifier_memory_size
  notifier_timeout                        = var.notifier_timeout
  notifier_reserved_concurrent_executions = var.notifier_reserved_concurrent_executions
  notifier_maximum_retry_attempts         = var.notifier_maximum_retry_attempts
  notifier_log_retention_in_days          = var.notifier_log_retention_in_days
  notifier_log_kms_key_arn                = var.notifier_log_kms_key_arn
  create_notifier_failure_queue           = var.create_notifier_failure_queue
  notifier_failure_queue_kms_key_arn      = var.notifier_failure_queue_kms_key_arn
  notifier_package_path                   = var.notifier_package_path
  notifier_kms_key_arn                    = var.notifier_kms_key_arn
  enable_notifier_tracing                 = var.enable_notifier_tracing
  notifier_subnet_ids                     = var.notifier_subnet_ids
  notifier_security_group_ids             = var.notifier_security_group_ids
  notifier_code_signing_config_arn        = var.notifier_code_signing_config_arn
  iam_role_path                           = var.iam_role_path
  iam_role_permissions_boundary_arn       = var.iam_role_permissions_boundary_arn

  # Wiring: a broken notifier is an alert too, so its failures go to the alarm topic when there is one.
  create_notifier_failure_alarm        = var.create_alarms
  notifier_failure_alarm_sns_topic_arn = var.create_alarms ? module.error_alarm[0].sns_topic_arn : null

  tags             = var.tags
  notifier_tags    = var.notifier_tags
  state_table_tags = var.state_table_tags
}

# The key-policy statements every KMS key given to the bundle needs, in one document: merge it into your key's policy.
data "aws_iam_policy_document" "kms_key_policy" {
  source_policy_documents = concat(
    [module.access_log_group.kms_key_policy_json],
    module.stage_logging[*].kms_key_policy_json,
    module.error_alarm[*].kms_key_policy_json,
    module.notifier[*].kms_key_policy_json,
  )
}
