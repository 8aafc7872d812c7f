################################################################################
# The API stage
################################################################################

variable "name" {
  description = "Name of the API, used as the prefix of everything created (log group, alarms, topic, notifier)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", var.name))
    error_message = "name must be 1-40 letters, digits, '_' or '-', starting with a letter or digit (got \"${var.name}\")."
  }
}

variable "rest_api_id" {
  description = "ID of the REST API (the 10-character id, not the name). Required when enable_execution_logging is true."
  type        = string
  default     = null

  validation {
    condition     = var.rest_api_id == null ? !var.enable_execution_logging : can(regex("^[a-z0-9]{10}$", var.rest_api_id))
    error_message = "rest_api_id must be the 10-character lower-case id of a REST API, like a1b2c3d4e5 (got \"${coalesce(var.rest_api_id, "null")}\"); it may be null only when enable_execution_logging is false."
  }
}

variable "stage_name" {
  description = "Name of the API stage to log. The stage itself is yours: point its access_log_settings at the outputs access_log_destination_arn and access_log_format. Required when enable_execution_logging is true."
  type        = string
  default     = null

  validation {
    condition     = var.stage_name == null ? !var.enable_execution_logging : can(regex("^[A-Za-z0-9_-]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 letters, digits, '_' or '-' (got \"${coalesce(var.stage_name, "null")}\"); it may be null only when enable_execution_logging is false."
  }
}

variable "error_status_threshold" {
  description = "Lowest HTTP status that counts as an error, for both the alarm (method 1) and the notifier (method 2)."
  type        = number
  nullable    = false
  default     = 400

  validation {
    condition     = floor(var.error_status_threshold) == var.error_status_threshold && var.error_status_threshold >= 400 && var.error_status_threshold <= 599
    error_message = "error_status_threshold must be a whole HTTP status from 400 to 599 (got ${var.error_status_threshold})."
  }
}

variable "tags" {
  description = "Tags for every taggable resource created."
  type        = map(string)
  nullable    = false
  default     = {}
}

################################################################################
# API Gateway account setting (CloudWatch role)
################################################################################

variable "manage_account_setting" {
  description = "Create the API Gateway CloudWatch role and own the region-wide account setting that uses it. Exactly one configuration per account and region should; set false in every other one (for example all but one instance of a for_each)."
  type        = bool
  nullable    = false
  default     = true
}

variable "cloudwatch_role_arn" {
  description = "ARN of an existing role for the account setting instead of creating one (used when manage_account_setting is true)."
  type        = string
  default     = null

  validation {
    condition     = var.cloudwatch_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", var.cloudwatch_role_arn))
    error_message = "cloudwatch_role_arn must be an IAM role ARN like arn:aws:iam::123456789012:role/service-role/apigateway-cloudwatch (got \"${coalesce(var.cloudwatch_role_arn, "null")}\")."
  }
}

################################################################################
# Stage execution logging
################################################################################

variable "enable_execution_logging" {
  description = "Manage the stage's method settings (execution logging, data trace, detailed metrics)."
  type        = bool
  nullable    = false
  default     = true
}

variable "logging_level" {
  description = "Execution logging level: OFF, ERROR or INFO."
  type        = string
  nullable    = false
  default     = "INFO"

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.logging_level)
    error_message = "logging_level must be one of OFF, ERROR, INFO (got \"${var.logging_level}\")."
  }
}

variable "data_trace_enabled" {
  description = "Log full requests and responses in the execution log. WARNING: writes sensitive data to CloudWatch Logs, and each event is truncated at 1 KiB. Keep off in production."
  type        = bool
  nullable    = false
  default     = false
}

variable "metrics_enabled" {
  description = "Publish detailed per-method CloudWatch metrics."
  type        = bool
  nullable    = false
  default     = true
}

variable "throttling_burst_limit" {
  description = "Stage throttling burst limit; null sets none at the stage (the account's limits apply). The module owns the stage's */* method settings: any stage-level throttling set elsewhere on */* is replaced."
  type        = number
  default     = null

  validation {
    condition     = var.throttling_burst_limit == null || try(var.throttling_burst_limit >= 0 && floor(var.throttling_burst_limit) == var.throttling_burst_limit, false)
    error_message = "throttling_burst_limit must be null or a whole number >= 0 (got ${coalesce(var.throttling_burst_limit, -1)})."
  }
}

variable "throttling_rate_limit" {
  description = "Stage throttling rate limit (requests per second); null sets none at the stage (the account's limits apply)."
  type        = number
  default     = null

  validation {
    condition     = var.throttling_rate_limit == null || try(var.throttling_rate_limit >= 0, false)
    error_message = "throttling_rate_limit must be null or a number >= 0 (got ${coalesce(var.throttling_rate_limit, -1)})."
  }
}

variable "create_execution_log_group" {
  description = "Pre-create API-Gateway-Execution-Logs_<rest_api_id>/<stage_name> with execution_log_retention_in_days, so the log does not live forever."
  type        = bool
  nullable    = false
  default     = true
}

variable "execution_log_retention_in_days" {
  description = "Days to keep execution-log events. 0 keeps them forever."
  type        = number
  nullable    = false
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.execution_log_retention_in_days)
    error_message = "execution_log_retention_in_days must be one of 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (got ${var.execution_log_retention_in_days})."
  }
}

################################################################################
# Access logs
################################################################################

variable "create_access_log_group" {
  description = "Create the access-log group. Set false and give access_log_group_name to watch an existing one."
  type        = bool
  nullable    = false
  default     = true
}

variable "access_log_group_name" {
  description = "Name of the access-log group: the one to create (default /aws/apigateway/<name>-accesslog) or, with create_access_log_group = false, the existing one."
  type        = string
  default     = null

  validation {
    condition     = var.access_log_group_name == null || can(regex("^[A-Za-z0-9._/#-]{1,512}$", var.access_log_group_name))
    error_message = "access_log_group_name must be 1-512 characters of letters, digits, '.', '_', '-', '/' or '#' (got \"${coalesce(var.access_log_group_name, "null")}\")."
  }

  validation {
    condition     = var.create_access_log_group || var.access_log_group_name != null
    error_message = "access_log_group_name is required when create_access_log_group is false."
  }
}

variable "access_log_retention_in_days" {
  description = "Days to keep access-log events. 0 keeps them forever."
  type        = number
  nullable    = false
  default     = 90

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.access_log_retention_in_days)
    error_message = "access_log_retention_in_days must be one of 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (got ${var.access_log_retention_in_days})."
  }
}

variable "access_log_kms_key_arn" {
  description = "ARN of a KMS key to encrypt the access-log group with."
  type        = string
  default     = null

  validation {
    condition     = var.access_log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.access_log_kms_key_arn))
    error_message = "access_log_kms_key_arn must be a KMS key ARN like arn:aws:kms:<region>:<account-id>:key/<key-id> (got \"${coalesce(var.access_log_kms_key_arn, "null")}\")."
  }
}

################################################################################
# Method 1: metric filter -> alarm -> SNS -> (Chatbot)
################################################################################

variable "enable_alarm" {
  description = "Create the error metric filters, alarms and SNS topic (method 1)."
  type        = bool
  nullable    = false
  default     = true
}

variable "enable_4xx_alarm" {
  description = "Alarm on client errors (4xx)."
  type        = bool
  nullable    = false
  default     = true

  validation {
    condition     = !var.enable_alarm || !var.enable_4xx_alarm || var.error_status_threshold < 500
    error_message = "enable_4xx_alarm must be false when error_status_threshold is 500 or more: no 4xx status would count as an error."
  }
}

variable "alarm_4xx_threshold" {
  description = "4xx responses per alarm_period that raise the 4xx alarm."
  type        = number
  nullable    = false
  default     = 1

  validation {
    condition     = var.alarm_4xx_threshold >= 1
    error_message = "alarm_4xx_threshold must be 1 or more responses (got ${var.alarm_4xx_threshold})."
  }
}

variable "enable_5xx_alarm" {
  description = "Alarm on server errors (5xx)."
  type        = bool
  nullable    = false
  default     = true
}

variable "alarm_5xx_threshold" {
  description = "5xx responses per alarm_period that raise the 5xx alarm."
  type        = number
  nullable    = false
  default     = 1

  validation {
    condition     = var.alarm_5xx_threshold >= 1
    error_message = "alarm_5xx_threshold must be 1 or more responses (got ${var.alarm_5xx_threshold})."
  }
}

variable "alarm_period" {
  description = "Seconds over which errors are summed: a multiple of 60."
  type        = number
  nullable    = false
  default     = 60

  validation {
    condition     = var.alarm_period >= 60 && var.alarm_period % 60 == 0
    error_message = "alarm_period must be a multiple of 60 seconds: metric filters publish one-minute data (got ${var.alarm_period})."
  }
}

variable "alarm_evaluation_periods" {
  description = "Periods the alarms evaluate."
  type        = number
  nullable    = false
  default     = 1

  validation {
    condition     = var.alarm_evaluation_periods >= 1 && floor(var.alarm_evaluation_periods) == var.alarm_evaluation_periods
    error_message = "alarm_evaluation_periods must be a whole number >= 1 (got ${var.alarm_evaluation_periods})."
  }
}

variable "metric_namespace" {
  description = "CloudWatch namespace of the error-count metrics."
  type        = string
  nullable    = false
  default     = "LogMetrics"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-][A-Za-z0-9 ._/#:-]{0,254}$", var.metric_namespace)) && !startswith(var.metric_namespace, "AWS/") && !startswith(var.metric_namespace, ":")
    error_message = "metric_namespace must be 1-255 characters of letters, digits, spaces and ._/#:- , not start with ':' and not use the reserved AWS/ prefix (got \"${var.metric_namespace}\")."
  }
}

variable "sns_topic_arn" {
  description = "Existing SNS topic for the alarms; null creates <name>-api-errors."
  type        = string
  default     = null

  validation {
    condition     = var.sns_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.sns_topic_arn))
    error_message = "sns_topic_arn must be an SNS topic ARN like arn:aws:sns:<region>:<account-id>:<topic> (got \"${coalesce(var.sns_topic_arn, "null")}\")."
  }
}

variable "enable_chatbot" {
  description = "Subscribe an AWS Chatbot Slack channel to the alarm topic."
  type        = bool
  nullable    = false
  default     = false

  validation {
    condition     = !var.enable_chatbot || var.enable_alarm
    error_message = "enable_chatbot needs enable_alarm: Chatbot posts what the alarms publish."
  }
}

variable "chatbot_slack_team_id" {
  description = "Slack workspace id for Chatbot (enable_chatbot)."
  type        = string
  default     = null

  validation {
    condition     = !var.enable_chatbot || can(regex("^[0-9A-Z]{1,255}$", var.chatbot_slack_team_id))
    error_message = "chatbot_slack_team_id must be the workspace id in capitals and digits, like T07EA123LEP, when enable_chatbot is true."
  }
}

variable "chatbot_slack_channel_id" {
  description = "Slack channel id for Chatbot (enable_chatbot)."
  type        = string
  default     = null

  validation {
    condition     = !var.enable_chatbot || can(regex("^[A-Za-z0-9]{1,255}$", var.chatbot_slack_channel_id))
    error_message = "chatbot_slack_channel_id must be a Slack channel id of letters and digits, like C07EZ1ABC23, when enable_chatbot is true."
  }
}

variable "chatbot_guardrail_policy_arns" {
  description = "Guardrail policies for the Chatbot channel; null means CloudWatchReadOnlyAccess."
  type        = list(string)
  default     = null

  validation {
    condition     = var.chatbot_guardrail_policy_arns == null || !anytrue([for arn in coalesce(var.chatbot_guardrail_policy_arns, []) : endswith(arn, "/AdministratorAccess")])
    error_message = "chatbot_guardrail_policy_arns must not contain AdministratorAccess: anyone in the Slack channel could then administer the account. Use a read-only policy."
  }
}

################################################################################
# Method 2: the scheduled notifier (Logs Insights digest -> Slack webhook)
################################################################################

variable "enable_notifier" {
  description = "Create the scheduled notifier Lambda (method 2). Needs slack_webhook_url or webhook_parameter_name."
  type        = bool
  nullable    = false
  default     = false
}

variable "slack_webhook_url" {
  description = "Slack incoming webhook for the notifier (https://hooks.slack.com/...), stored as an SSM SecureString (and in Terraform state). To keep it out of state, create the parameter yourself and give webhook_parameter_name. With enable_notifier, exactly one of the two is required; the notifier module checks both with preconditions, which, unlike validations, never print the value."
  type        = string
  default     = null
  sensitive   = true
}

variable "webhook_parameter_name" {
  description = "Existing SSM SecureString parameter holding the webhook URL, instead of slack_webhook_url."
  type        = string
  default     = null

  validation {
    condition     = var.webhook_parameter_name == null || try(length(var.webhook_parameter_name) <= 1011 && can(regex("^/?[A-Za-z0-9_.\\-/]+$", var.webhook_parameter_name)), false)
    error_message = "webhook_parameter_name must be an SSM parameter name of letters, digits and _.-/ (got \"${coalesce(var.webhook_parameter_name, "null")}\")."
  }
}

variable "webhook_parameter_kms_key_arn" {
  description = "Customer managed KMS key of an existing webhook parameter (webhook_parameter_name), so the notifier may decrypt it; null for the AWS managed aws/ssm key."
  type        = string
  default     = null

  validation {
    condition     = var.webhook_parameter_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.webhook_parameter_kms_key_arn))
    error_message = "webhook_parameter_kms_key_arn must be a KMS key ARN like arn:aws:kms:<region>:<account-id>:key/<key-id> (got \"${coalesce(var.webhook_parameter_kms_key_arn, "null")}\")."
  }
}

variable "notifier_schedule_expression" {
  description = "How often the notifier runs: a rate() expression."
  type        = string
  nullable    = false
  default     = "rate(5 minutes)"

  validation {
    condition = can(regex("^rate\\((1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours))\\)$", var.notifier_schedule_expression)) && try(
      tonumber(regex("[0-9]+", var.notifier_schedule_expression)) * (strcontains(var.notifier_schedule_expression, "hour") ? 3600 : strcontains(var.notifier_schedule_expression, "day") ? 86400 : 60) <= 86400,
      false
    )
    error_message = "notifier_schedule_expression must be a rate expression of at most a day, like rate(5 minutes), rate(1 hour) or rate(1 day) (singular unit for 1), got \"${var.notifier_schedule_expression}\"."
  }
}

variable "notifier_ingestion_lag_seconds" {
  description = "How far behind the scheduled time each notifier window ends, to let log ingestion catch up."
  type        = number
  nullable    = false
  default     = 60

  validation {
    condition     = var.notifier_ingestion_lag_seconds >= 0 && var.notifier_ingestion_lag_seconds <= 900 && floor(var.notifier_ingestion_lag_seconds) == var.notifier_ingestion_lag_seconds
    error_message = "notifier_ingestion_lag_seconds must be a whole number of seconds from 0 to 900 (got ${var.notifier_ingestion_lag_seconds})."
  }
}

variable "notifier_sample_count" {
  description = "Access-log lines quoted in each Slack digest."
  type        = number
  nullable    = false
  default     = 5

  validation {
    condition     = var.notifier_sample_count >= 0 && var.notifier_sample_count <= 20 && floor(var.notifier_sample_count) == var.notifier_sample_count
    error_message = "notifier_sample_count must be a whole number from 0 to 20 (got ${var.notifier_sample_count})."
  }
}

variable "notifier_message_title" {
  description = "Title of the Slack digest; defaults to \"<name>: API Gateway errors\"."
  type        = string
  default     = null

  validation {
    condition     = var.notifier_message_title == null || try(length(var.notifier_message_title) >= 1 && length(var.notifier_message_title) <= 150, false)
    error_message = "notifier_message_title must be 1-150 characters (Slack's header limit)."
  }
}

variable "notifier_log_level" {
  description = "Level of the notifier's own logs: DEBUG, INFO, WARN or ERROR."
  type        = string
  nullable    = false
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.notifier_log_level)
    error_message = "notifier_log_level must be one of DEBUG, INFO, WARN, ERROR (got \"${var.notifier_log_level}\")."
  }
}
