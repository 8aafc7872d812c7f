# Every input has the name it has in the module that owns it, and its rules live there only: a value that module
# refuses is reported at this module's call site, naming the variable passed (tests/integration/test_root_inputs.py
# shows the message). The validations below are the rules that span parts.

################################################################################
# The API stage, and what every part shares
################################################################################

variable "name" {
  description = "Name of the API: the prefix of everything created (log group, alarms, topic, notifier). Each module checks it against the names it derives (at most 39 characters, for the notifier's role name with the longest region)."
  type        = string
  nullable    = false
}

variable "api_type" {
  description = "REST (API Gateway v1) or HTTP (v2). HTTP APIs have no execution logs and need no account-level CloudWatch role: set create_method_settings, create_account_setting and create_cloudwatch_role to false for them."
  type        = string
  nullable    = false
  default     = "REST"

  validation {
    condition     = var.api_type != "HTTP" || !var.create_method_settings
    error_message = "create_method_settings must be false when api_type is HTTP: HTTP APIs have no execution logs or method settings (give the stage's default_route_settings the default_route_settings output instead)."
  }
}

variable "rest_api_id" {
  description = "ID of the REST API (the 10-character id, not the name). Required when create_method_settings is true."
  type        = string
  default     = null

  validation {
    condition     = var.rest_api_id != null || !var.create_method_settings
    error_message = "rest_api_id is required when create_method_settings is true: the method settings belong to a stage of that REST API."
  }
}

variable "rest_api_name" {
  description = "Name of the REST API (REST API metrics are published by name): for the rate alarms (create_error_rate_alarms) of a REST API."
  type        = string
  default     = null
}

variable "http_api_id" {
  description = "ID of the HTTP API: for the rate alarms (create_error_rate_alarms) of an HTTP API."
  type        = string
  default     = null
}

variable "stage_name" {
  description = "Name of the API stage to log. The stage itself is yours: point its access_log_settings at the outputs access_log_destination_arn and access_log_format. Required when create_method_settings or create_error_rate_alarms is true."
  type        = string
  default     = null

  validation {
    condition     = var.stage_name != null || !var.create_method_settings
    error_message = "stage_name is required when create_method_settings is true: the method settings belong to that stage."
  }
}

variable "error_status_threshold" {
  description = "Lowest HTTP status that counts as an error, for both the alarms (method 1) and the notifier (method 2)."
  type        = number
  nullable    = false
  default     = 400
}

variable "ignore_statuses" {
  description = "Statuses that never count as errors, like 404 from scanners, for the alarms' filters and the notifier alike."
  type        = list(number)
  nullable    = false
  default     = []
}

variable "ignore_routes" {
  description = "Routes whose requests never count, for the alarms' filters and the notifier alike: \"GET /health\" (REST: method and resource path; HTTP APIs: the route key), \"* /health\" for every method, \"$default\"."
  type        = list(string)
  nullable    = false
  default     = []
}

variable "iam_role_path" {
  description = "IAM path of every role the bundle creates (CloudWatch role, notifier role, Chatbot role)."
  type        = string
  nullable    = false
  default     = "/"
}

variable "iam_role_permissions_boundary_arn" {
  description = "Managed policy set as the permissions boundary of every role the bundle creates, where the organisation requires one."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every taggable resource created."
  type        = map(string)
  nullable    = false
  default     = {}
}

################################################################################
# API Gateway account setting (CloudWatch role): modules/apigateway-account
################################################################################

variable "create_account_setting" {
  description = "Own the region-wide API Gateway account setting that names the CloudWatch role. Exactly one configuration per account and region should; set false in every other one (for example all but one instance of a for_each), together with create_cloudwatch_role."
  type        = bool
  nullable    = false
  default     = true
}

variable "create_cloudwatch_role" {
  description = "Create the IAM role API Gateway pushes logs with. Set false and give cloudwatch_role_arn to use a role you have."
  type        = bool
  nullable    = false
  default     = true
}

variable "cloudwatch_role_arn" {
  description = "ARN of an existing role for the account setting, when create_cloudwatch_role is false."
  type        = string
  default     = null
}

variable "cloudwatch_role_name" {
  description = "Name of the CloudWatch role to create; defaults to apigateway-cloudwatch-<region>."
  type        = string
  default     = null
}

variable "cloudwatch_role_tags" {
  description = "Extra tags for the CloudWatch role."
  type        = map(string)
  nullable    = false
  default     = {}
}

################################################################################
# Stage execution logging: modules/stage-logging
################################################################################

variable "create_method_settings" {
  description = "Create the stage's method settings (execution logging level, data trace, detailed metrics, throttling) for method_path."
  type        = bool
  nullable    = false
  default     = true
}

variable "method_path" {
  description = "Methods the settings apply to: */* for every method, or {resource_path}/{http_method} such as orders/GET."
  type        = string
  nullable    = false
  default     = "*/*"
}

variable "logging_level" {
  description = "Execution logging level: OFF, ERROR or INFO."
  type        = string
  nullable    = false
  default     = "INFO"
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
  description = "Stage throttling burst limit; null sets none at the stage (the account's limits apply)."
  type        = number
  default     = null
}

variable "throttling_rate_limit" {
  description = "Stage throttling rate limit (requests per second); null sets none at the stage (the account's limits apply)."
  type        = number
  default     = null
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
}

variable "execution_log_kms_key_arn" {
  description = "KMS key to encrypt the execution log group with (its policy must let the Logs service use it: see the kms_key_policy_json output)."
  type        = string
  default     = null
}

variable "execution_log_group_tags" {
  description = "Extra tags for the execution log group."
  type        = map(string)
  nullable    = false
  default     = {}
}

################################################################################
# Access logs: modules/access-log-group
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
}

variable "access_log_retention_in_days" {
  description = "Days to keep access-log events. 0 keeps them forever."
  type        = number
  nullable    = false
  default     = 90
}

variable "access_log_kms_key_arn" {
  description = "KMS key to encrypt the access-log group with (its policy must let the Logs service use it: see the kms_key_policy_json output)."
  type        = string
  default     = null
}

variable "access_log_additional_fields" {
  description = "Extra fields for the JSON access-log format, as name => $context variable (emitted as JSON strings)."
  type        = map(string)
  nullable    = false
  default     = {}
}

variable "access_log_group_tags" {
  description = "Extra tags for the access-log group."
  type        = map(string)
  nullable    = false
  default     = {}
}

################################################################################
# Method 1: metric filters -> alarms -> SNS -> (Chatbot): modules/error-alarm
################################################################################

variable "create_alarms" {
  description = "Create the error metric filters, alarms and (unless sns_topic_arn is given) the SNS topic: method 1."
  type        = bool
  nullable    = false
  default     = true
}

variable "create_4xx_alarm" {
  description = "Alarm on client errors (4xx)."
  type        = bool
  nullable    = false
  default     = true
}

variable "alarm_4xx_threshold" {
  description = "4xx responses per alarm_period that raise the 4xx alarm."
  type        = number
  nullable    = false
  default     = 1
}

variable "create_5xx_alarm" {
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
}

variable "alarm_period" {
  description = "Seconds over which errors are summed: a multiple of 60."
  type        = number
  nullable    = false
  default     = 60
}

variable "alarm_evaluation_periods" {
  description = "Periods the alarms evaluate."
  type        = number
  nullable    = false
  default     = 1
}

variable "alarm_datapoints_to_alarm" {
  description = "Of the evaluated periods, how many must breach (\"M out of N\"); null means all of them."
  type        = number
  default     = null
}

variable "alarm_treat_missing_data" {
  description = "How the alarms treat periods without data (a period without errors has none): notBreaching, breaching, ignore or missing."
  type        = string
  nullable    = false
  default     = "notBreaching"
}

variable "enable_ok_actions" {
  description = "Also notify the topic when an alarm returns to OK."
  type        = bool
  nullable    = false
  default     = true
}

variable "create_error_rate_alarms" {
  description = "Also alarm on the share of the stage's requests that failed, from API Gateway's own metrics, beside the count alarms (needs stage_name, and rest_api_name or http_api_id)."
  type        = bool
  nullable    = false
  default     = false
}

variable "alarm_4xx_rate_threshold_percent" {
  description = "Percentage of a period's requests answered 4xx that raises the 4xx rate alarm."
  type        = number
  nullable    = false
  default     = 25
}

variable "alarm_5xx_rate_threshold_percent" {
  description = "Percentage of a period's requests answered 5xx that raises the 5xx rate alarm."
  type        = number
  nullable    = false
  default     = 5
}

variable "metric_namespace" {
  description = "CloudWatch namespace of the error-count metrics."
  type        = string
  nullable    = false
  default     = "LogMetrics"
}

variable "metric_name_prefix" {
  description = "Prefix of the metric names (<prefix>-4xx, <prefix>-5xx); defaults to name."
  type        = string
  default     = null
}

variable "create_sns_topic" {
  description = "Create the SNS topic the alarms publish to. Set false and give sns_topic_arn to use an existing one (whose policy must let CloudWatch publish)."
  type        = bool
  nullable    = false
  default     = true
}

variable "sns_topic_name" {
  description = "Name of the SNS topic to create; defaults to <name>-api-errors."
  type        = string
  default     = null
}

variable "sns_topic_arn" {
  description = "Existing SNS topic for the alarms, when create_sns_topic is false."
  type        = string
  default     = null
}

variable "sns_topic_kms_key_arn" {
  description = "Customer managed KMS key to encrypt the created topic with (not alias/aws/sns: alarms cannot publish to a topic encrypted with it)."
  type        = string
  default     = null
}

variable "sns_topic_publisher_alarm_arns" {
  description = "ARNs of alarms of your own that notify the created topic, so its policy lets CloudWatch publish for them too (the notifier's failure alarms are added by the root)."
  type        = list(string)
  nullable    = false
  default     = []
}

variable "alarm_tags" {
  description = "Extra tags for the alarms."
  type        = map(string)
  nullable    = false
  default     = {}
}

variable "sns_topic_tags" {
  description = "Extra tags for the SNS topic."
  type        = map(string)
  nullable    = false
  default     = {}
}

variable "create_chatbot_channel" {
  description = "Create an Amazon Q Developer in chat applications (formerly AWS Chatbot) Slack channel configuration subscribed to the alarm topic (the workspace must be authorised once in its console)."
  type        = bool
  nullable    = false
  default     = false

  validation {
    condition     = !var.create_chatbot_channel || var.create_alarms
    error_message = "create_chatbot_channel needs create_alarms: Chatbot posts what the alarms publish."
  }
}

variable "chatbot_slack_team_id" {
  description = "Slack workspace id for Chatbot, like T07EA123LEP (create_chatbot_channel)."
  type        = string
  default     = null
}

variable "chatbot_slack_channel_id" {
  description = "Slack channel id for Chatbot, like C07EZ1ABC23 (create_chatbot_channel)."
  type        = string
  default     = null
}

variable "chatbot_guardrail_policy_arns" {
  description = "Guardrail policies for the Chatbot channel; null means CloudWatchReadOnlyAccess."
  type        = list(string)
  default     = null
}

variable "chatbot_logging_level" {
  description = "Logging level of the Chatbot configuration: ERROR, INFO or NONE."
  type        = string
  nullable    = false
  default     = "ERROR"
}

variable "chatbot_tags" {
  description = "Extra tags for the Chatbot configuration and its role."
  type        = map(string)
  nullable    = false
  default     = {}
}

################################################################################
# Method 2: the scheduled notifier (Logs Insights digest -> Slack webhook or Slack app): modules/notifier
################################################################################

variable "create_notifier" {
  description = "Create the scheduled notifier Lambda (method 2). Needs slack_webhook_url (or create_webhook_parameter = false and webhook_parameter_name); with slack_delivery = \"app\", slack_channel_id and slack_bot_token (or create_bot_token_parameter = false and bot_token_parameter_name) instead."
  type        = bool
  nullable    = false
  default     = false
}

variable "enable_alarm_digest" {
  description = "Also run the notifier when a 4xx/5xx alarm goes to ALARM (subscribed to the alarm topic): a digest of the alarm's period within about two minutes of the first error, naming the scheduled digest that will carry the complete numbers."
  type        = bool
  nullable    = false
  default     = false

  validation {
    condition     = !var.enable_alarm_digest || (var.create_alarms && var.create_notifier)
    error_message = "enable_alarm_digest needs create_alarms and create_notifier: the notifier reports what the alarms announce."
  }
}

variable "notifier_schedule_interval_minutes" {
  description = "Minutes between notifier runs, each reporting the interval before it: a divisor of an hour or of a day."
  type        = number
  nullable    = false
  default     = 5
}

variable "notifier_settings" {
  description = "How each notifier run reads, counts and reports: a map whose keys are listed in the notifier settings table below. message_title defaults to \"<name>: API Gateway errors\" here."
  type        = any
  nullable    = false
  default     = {}
}

variable "slack_delivery" {
  description = "How the notifier reaches Slack: \"webhook\" (an incoming webhook, one message per window) or \"app\" (a Slack app's bot token posting to slack_channel_id: one thread per incident, its parent message updated in place). The other delivery's inputs are ignored."
  type        = string
  nullable    = false
  default     = "webhook"
}

variable "slack_channel_id" {
  description = "Channel the Slack app posts to, like C07EZ1ABC23 (slack_delivery = \"app\"): the end of the channel's link. Invite the app's bot to it."
  type        = string
  default     = null
}

variable "slack_api_url" {
  description = "Base URL of Slack's Web API for the app delivery: https://slack.com/api, or https://slack-gov.com/api for GovSlack."
  type        = string
  nullable    = false
  default     = "https://slack.com/api"
}

variable "create_webhook_parameter" {
  description = "Create the SSM SecureString parameter for the webhook URL, written from slack_webhook_url. Set false and give webhook_parameter_name to use one you manage."
  type        = bool
  nullable    = false
  default     = true
}

variable "slack_webhook_url" {
  description = "Slack incoming webhook for the notifier (https://hooks.slack.com/...). Ephemeral: while the bundle creates the parameter, give it on every plan, apply (a saved plan's too), refresh and destroy, for example as TF_VAR_slack_webhook_url in every CI job; it is written to SSM and never stored in a plan or the state."
  type        = string
  default     = null
  ephemeral   = true
  sensitive   = true
}

variable "slack_webhook_url_version" {
  description = "Increase to write a new slack_webhook_url into the parameter (Terraform cannot see a write-only value change)."
  type        = number
  nullable    = false
  default     = 1
}

variable "webhook_parameter_name" {
  description = "Existing SSM SecureString parameter holding the webhook URL, with create_webhook_parameter = false."
  type        = string
  default     = null
}

variable "webhook_parameter_kms_key_arn" {
  description = "Customer managed KMS key of the webhook parameter (created or existing), so the notifier may decrypt it; null for the AWS managed aws/ssm key."
  type        = string
  default     = null
}

variable "create_bot_token_parameter" {
  description = "With slack_delivery = \"app\": create the SSM SecureString parameter for the bot token, written from slack_bot_token. Set false and give bot_token_parameter_name to use one you manage."
  type        = bool
  nullable    = false
  default     = true
}

variable "slack_bot_token" {
  description = "The Slack app's Bot User OAuth Token (xoxb-...), with slack_delivery = \"app\". Ephemeral: while the bundle creates the parameter, give it on every plan, apply (a saved plan's too), refresh and destroy, for example as TF_VAR_slack_bot_token in every CI job; it is written to SSM and never stored in a plan or the state."
  type        = string
  default     = null
  ephemeral   = true
  sensitive   = true
}

variable "slack_bot_token_version" {
  description = "Increase to write a new slack_bot_token into the parameter (Terraform cannot see a write-only value change)."
  type        = number
  nullable    = false
  default     = 1
}

variable "bot_token_parameter_name" {
  description = "Existing SSM SecureString parameter holding the bot token, with create_bot_token_parameter = false."
  type        = string
  default     = null
}

variable "bot_token_parameter_kms_key_arn" {
  description = "Customer managed KMS key of the bot token's parameter (created or existing), so the notifier may decrypt it; null for the AWS managed aws/ssm key."
  type        = string
  default     = null
}

variable "create_state_table" {
  description = "Create the notifier's DynamoDB state table (incidents, windows reported, mutes, what quiet hours held). Set false and give state_table_name to use a table you manage, or neither to run without state (no threads per incident, no quiet_hours)."
  type        = bool
  nullable    = false
  default     = true
}

variable "state_table_name" {
  description = "Existing DynamoDB table for the notifier's state (keys pk and sk, both strings; TTL on expires_at), with create_state_table = false."
  type        = string
  default     = null
}

variable "state_table_kms_key_arn" {
  description = "Customer managed KMS key of the state table (created or existing); null for DynamoDB's default encryption (an AWS owned key)."
  type        = string
  default     = null
}

variable "enable_state_table_point_in_time_recovery" {
  description = "Point-in-time recovery for the created state table (off: the state is short-lived, losing it only starts a new thread)."
  type        = bool
  nullable    = false
  default     = false
}

variable "state_table_tags" {
  description = "Extra tags for the notifier's state table."
  type        = map(string)
  nullable    = false
  default     = {}
}

variable "notifier_runtime" {
  description = "Lambda runtime of the notifier."
  type        = string
  nullable    = false
  default     = "python3.12"
}

variable "notifier_architecture" {
  description = "Instruction set of the notifier: arm64 or x86_64."
  type        = string
  nullable    = false
  default     = "arm64"
}

variable "notifier_memory_size" {
  description = "Memory of the notifier in MB."
  type        = number
  nullable    = false
  default     = 128
}

variable "notifier_timeout" {
  description = "Seconds a notifier run may take."
  type        = number
  nullable    = false
  default     = 300
}

variable "notifier_reserved_concurrent_executions" {
  description = "Concurrency reserved for the notifier; null reserves none."
  type        = number
  default     = null
}

variable "notifier_maximum_retry_attempts" {
  description = "Times Lambda retries a failed notifier run (0-2)."
  type        = number
  nullable    = false
  default     = 2
}

variable "notifier_log_retention_in_days" {
  description = "Days to keep the notifier's own logs. 0 keeps them forever."
  type        = number
  nullable    = false
  default     = 30
}

variable "notifier_log_kms_key_arn" {
  description = "KMS key to encrypt the notifier's own log group with (its policy must let the Logs service use it: see the kms_key_policy_json output)."
  type        = string
  default     = null
}

variable "create_notifier_failure_queue" {
  description = "Create an SQS queue as the notifier's on-failure destination: a run that could not report its window leaves its event there (14 days) for `python -m accesslog_notifier replay`."
  type        = bool
  nullable    = false
  default     = false
}

variable "notifier_failure_queue_kms_key_arn" {
  description = "KMS key to encrypt the failure queue with; null uses SQS-managed encryption."
  type        = string
  default     = null
}

variable "notifier_kms_key_arn" {
  description = "KMS key to encrypt the notifier's environment with, instead of Lambda's AWS managed key (the environment holds no secret)."
  type        = string
  default     = null
}

variable "enable_notifier_tracing" {
  description = "Trace each notifier run with AWS X-Ray."
  type        = bool
  nullable    = false
  default     = false
}

variable "notifier_subnet_ids" {
  description = "Subnets to run the notifier in, inside your VPC (they need a NAT or VPC endpoints: it calls Logs, SSM and Slack). Empty: no VPC."
  type        = list(string)
  nullable    = false
  default     = []
}

variable "notifier_security_group_ids" {
  description = "Security groups of the notifier in your VPC (with notifier_subnet_ids)."
  type        = list(string)
  nullable    = false
  default     = []
}

variable "notifier_code_signing_config_arn" {
  description = "Lambda code signing configuration for the notifier, where signed code is required (sign the zip and give it as notifier_package_path)."
  type        = string
  default     = null
}

variable "notifier_package_path" {
  description = "Path of the notifier's zip; defaults to the bundle's committed source_code/dist/notifier.zip."
  type        = string
  default     = null
}

variable "notifier_tags" {
  description = "Extra tags for the notifier function."
  type        = map(string)
  nullable    = false
  default     = {}
}
