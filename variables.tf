# Every input has the name it has in the module that owns it, and its rules live there only: a value that module
# refuses is reported at this module's call site, naming the variable passed (tests/integration/test_root_inputs.py
# shows the message). The validations below are the rules that span parts.
#
# The description of a variable forwarded as is is its module's, copied by `make docs`: edit it in the module (in
# words true there and here). The few with words of their own here are listed in tools/docs.py with the reason.

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
  description = "Name of the REST API (not its id): REST API metrics are published by ApiName. For the rate alarms of a REST API."
  type        = string
  default     = null
}

variable "http_api_id" {
  description = "ID of the HTTP API: HTTP API metrics are published by ApiId. For the rate alarms of an HTTP API."
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
  description = "Lowest HTTP status that counts as an error, for the alarms and the notifier alike: the root module gives both the same value, so both methods agree on what an error is. The 4xx alarms count [max(threshold, 400), 499], the 5xx alarms [max(threshold, 500), 599]."
  type        = number
  nullable    = false
  default     = 400
}

variable "ignore_statuses" {
  description = "Statuses that never count as errors, like 404 from scanners, for the alarms (left out of their filter patterns) and the notifier alike: the root module gives both the same list."
  type        = list(number)
  nullable    = false
  default     = []
}

variable "ignore_routes" {
  description = "Routes whose requests never count, for the alarms (left out of their filter patterns) and the notifier alike (the root module gives both the same list): \"GET /health\" (REST APIs: method and resource path; HTTP APIs: the route key), \"* /health\" for every method, \"$default\" (HTTP APIs)."
  type        = list(string)
  nullable    = false
  default     = []
}

variable "iam_role_path" {
  description = "IAM path of every role created, where the organisation keeps them under one (like /service-role/)."
  type        = string
  nullable    = false
  default     = "/"
}

variable "iam_role_permissions_boundary_arn" {
  description = "ARN of the managed policy to set as the permissions boundary of every role created, where the organisation requires one."
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
  description = "Own the region-wide API Gateway account setting (aws_api_gateway_account) that names the CloudWatch role. It is one per account and region: exactly one configuration should own it; set false in every other one (for example all but one instance of a for_each), together with create_cloudwatch_role. On destroy, provider 6.x resets it and 5.x leaves it naming the deleted role (the apigateway-account module's README says how 5.x users get the reset)."
  type        = bool
  nullable    = false
  default     = true
}

variable "create_cloudwatch_role" {
  description = "Create the IAM role API Gateway pushes logs with. Set false and give cloudwatch_role_arn to point the setting at a role you already have."
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
  description = "Name of the role to create. Defaults to apigateway-cloudwatch-<region>: the account setting is per region, IAM names are global."
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
  description = "Methods the settings apply to: */* for every method, or {resource_path}/{http_method} such as orders/GET (no leading slash)."
  type        = string
  nullable    = false
  default     = "*/*"
}

variable "logging_level" {
  description = "Execution logging level: OFF, ERROR (errors only) or INFO (every request's execution trace)."
  type        = string
  nullable    = false
  default     = "INFO"
}

variable "data_trace_enabled" {
  description = "Log full request and response bodies and headers in the execution log. WARNING: this writes sensitive data (tokens, personal data) to CloudWatch Logs, and API Gateway truncates each execution-log event at 1 KiB, so large bodies are cut anyway. Keep it off in production; turn it on briefly to debug."
  type        = bool
  nullable    = false
  default     = false
}

variable "metrics_enabled" {
  description = "Publish detailed per-method CloudWatch metrics (Count, 4XXError, 5XXError, Latency per resource and method; billed as custom metrics)."
  type        = bool
  nullable    = false
  default     = true
}

variable "throttling_burst_limit" {
  description = "Stage-level throttling burst limit for the methods of method_path. null sets none (-1), so the account-level limits apply. The method settings of method_path are owned here: throttling set elsewhere on the same path is replaced, and removed on destroy."
  type        = number
  default     = null
}

variable "throttling_rate_limit" {
  description = "Stage-level throttling rate limit (requests per second) for the methods of method_path. null sets none (-1), so the account-level limits apply."
  type        = number
  default     = null
}

variable "create_execution_log_group" {
  description = "Create the execution log group API-Gateway-Execution-Logs_<rest_api_id>/<stage_name> with a retention, before logging is turned on. Otherwise API Gateway creates it on first use with no retention (kept forever). Set to false if it already exists (or import it)."
  type        = bool
  nullable    = false
  default     = true
}

variable "execution_log_retention_in_days" {
  description = "Days CloudWatch Logs keeps execution-log events (when create_execution_log_group is true). 0 keeps them forever."
  type        = number
  nullable    = false
  default     = 30
}

variable "execution_log_kms_key_arn" {
  description = "ARN of a KMS key to encrypt the execution log group with (its policy must let the Logs service use it: the kms_key_policy_json output holds that statement)."
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
  description = "Create the access-log group. Set false and give access_log_group_name to use an existing group (the access_log_format output still gives the format its stage must write)."
  type        = bool
  nullable    = false
  default     = true
}

variable "access_log_group_name" {
  description = "Full name of the access-log group, overriding the default /aws/apigateway/<name>-accesslog; with create_access_log_group = false, the existing group."
  type        = string
  default     = null
}

variable "access_log_retention_in_days" {
  description = "Days CloudWatch Logs keeps access-log events. 0 keeps them forever."
  type        = number
  nullable    = false
  default     = 90
}

variable "access_log_kms_key_arn" {
  description = "ARN of a KMS key to encrypt the log group with. The key policy must allow the logs.<region>.amazonaws.com service principal."
  type        = string
  default     = null
}

variable "access_log_additional_fields" {
  description = "Extra fields for the JSON access-log format, as name => API Gateway $context variable (for example { userAgent = \"$context.identity.userAgent\" }). Values are emitted as JSON strings; names the format already has (requestId, status ...) are refused."
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
  description = "Create the metric filter and alarm for client errors (4xx)."
  type        = bool
  nullable    = false
  default     = true
}

variable "alarm_4xx_threshold" {
  description = "Number of 4xx responses within alarm_period seconds that puts the 4xx alarm in ALARM."
  type        = number
  nullable    = false
  default     = 1
}

variable "create_5xx_alarm" {
  description = "Create the metric filter and alarm for server errors (5xx)."
  type        = bool
  nullable    = false
  default     = true
}

variable "alarm_5xx_threshold" {
  description = "Number of 5xx responses within alarm_period seconds that puts the 5xx alarm in ALARM."
  type        = number
  nullable    = false
  default     = 1
}

variable "alarm_period" {
  description = "Seconds over which the error count is summed: a multiple of 60 (metric-filter metrics have one-minute resolution)."
  type        = number
  nullable    = false
  default     = 60
}

variable "alarm_evaluation_periods" {
  description = "Number of most recent periods the alarm looks at."
  type        = number
  nullable    = false
  default     = 1
}

variable "alarm_datapoints_to_alarm" {
  description = "Of the alarm_evaluation_periods evaluated, how many must breach for ALARM (\"M out of N\"). null means all of them."
  type        = number
  default     = null
}

variable "alarm_treat_missing_data" {
  description = "How the alarms treat periods without data: notBreaching, breaching, ignore or missing. A period without errors has no data (the filter emits nothing), so notBreaching lets an alarm return to OK."
  type        = string
  nullable    = false
  default     = "notBreaching"
}

variable "enable_ok_actions" {
  description = "Also notify when an alarm returns to OK, so the channel sees that the errors stopped."
  type        = bool
  nullable    = false
  default     = true
}

variable "create_error_rate_alarms" {
  description = "Also alarm on the share of a stage's requests that failed, from API Gateway's own per-stage metrics (4XXError/5XXError for REST APIs, 4xx/5xx for HTTP APIs), beside the count alarms. Needs stage_name and rest_api_name (REST) or http_api_id (HTTP)."
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
  description = "Prefix of the metric names; the metrics are <prefix>-4xx and <prefix>-5xx. Defaults to name."
  type        = string
  default     = null
}

variable "create_sns_topic" {
  description = "Create the SNS topic the alarms publish to. Set false and give sns_topic_arn to use an existing topic (whose policy must let cloudwatch.amazonaws.com publish)."
  type        = bool
  nullable    = false
  default     = true
}

variable "sns_topic_name" {
  description = "Name of the SNS topic to create. Defaults to <name>-api-errors."
  type        = string
  default     = null
}

variable "sns_topic_arn" {
  description = "ARN of an existing SNS topic for the alarms, used when create_sns_topic is false."
  type        = string
  default     = null
}

variable "sns_topic_kms_key_arn" {
  description = "ARN of a customer managed KMS key to encrypt the created topic with (not alias/aws/sns: alarms cannot publish to a topic encrypted with it). Its key policy must let cloudwatch.amazonaws.com use it: the kms_key_policy_json output holds that statement."
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
  description = "Create an Amazon Q Developer in chat applications (formerly AWS Chatbot) Slack channel configuration subscribed to the alarms' SNS topic. The Slack workspace must have been authorised once in its console."
  type        = bool
  nullable    = false
  default     = false

  validation {
    condition     = !var.create_chatbot_channel || var.create_alarms
    error_message = "create_chatbot_channel needs create_alarms: Chatbot posts what the alarms publish."
  }
}

variable "chatbot_slack_team_id" {
  description = "Slack workspace (team) id, as its console shows it, like T07EA123LEP. Required when create_chatbot_channel is true."
  type        = string
  default     = null
}

variable "chatbot_slack_channel_id" {
  description = "Slack channel id (from the channel's link), like C07EZ1ABC23. Required when create_chatbot_channel is true."
  type        = string
  default     = null
}

variable "chatbot_guardrail_policy_arns" {
  description = "IAM policies that cap what anyone in the channel can do through Chatbot. Defaults to the AWS managed CloudWatchReadOnlyAccess. AdministratorAccess is refused."
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
  description = "Extra tags for the Chatbot configuration and its IAM role."
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
  description = "Also run the notifier when an alarm it watches goes to ALARM (it subscribes to the alarms' SNS topic): it reports the alarm's evaluation period at once, and says which scheduled digest will carry the complete numbers. The alarms and the topic are alarm_digest_alarm_names and alarm_digest_sns_topic_arn; the root module gives its 4xx/5xx alarms (count and rate) and their topic."
  type        = bool
  nullable    = false
  default     = false

  validation {
    condition     = !var.enable_alarm_digest || (var.create_alarms && var.create_notifier)
    error_message = "enable_alarm_digest needs create_alarms and create_notifier: the notifier reports what the alarms announce."
  }
}

variable "notifier_schedule_interval_minutes" {
  description = "Minutes between runs; each run reports the interval before its scheduled minute. A divisor of an hour or of a day, so the schedule is a cron expression on whole multiples of it (every 5 minutes: :00, :05, ...) and any moment's window is known in advance."
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
  description = "How digests reach Slack: \"webhook\" (an incoming webhook, slack_webhook_url; one message per window) or \"app\" (a Slack app's bot token, slack_bot_token, posting to slack_channel_id: one thread per incident, its parent message updated in place). The inputs of the other delivery are ignored: nothing of them is created, required or granted."
  type        = string
  nullable    = false
  default     = "webhook"
}

variable "slack_channel_id" {
  description = "Channel the Slack app posts to (slack_delivery = \"app\"), like C07EZ1ABC23: the end of the channel's link (Copy link) or the bottom of its details. Invite the app's bot to it (/invite @app)."
  type        = string
  default     = null
}

variable "slack_api_url" {
  description = "Base URL of Slack's Web API for the app delivery: https://slack.com/api, or https://slack-gov.com/api for GovSlack (http only to 127.0.0.1, localhost or [::1], for local tests)."
  type        = string
  nullable    = false
  default     = "https://slack.com/api"
}

variable "create_webhook_parameter" {
  description = "Create the SSM SecureString parameter that holds the webhook URL, written from slack_webhook_url. Set false and give webhook_parameter_name to use a parameter you manage."
  type        = bool
  nullable    = false
  default     = true
}

variable "slack_webhook_url" {
  description = "Slack incoming webhook URL (https://hooks.slack.com/...; http only to 127.0.0.1, localhost or [::1], for local tests), written to the SSM parameter created for it (slack_delivery = \"webhook\"). Ephemeral: with create_webhook_parameter (the default), give it on every plan, apply (a saved plan's too: ephemeral values are not saved in it), refresh and destroy, for example from a TF_VAR_ environment variable in every CI job; it is never stored in the plan or the state (the parameter's value is write-only). Change the URL together with slack_webhook_url_version."
  type        = string
  default     = null
  ephemeral   = true
  sensitive   = true
}

variable "slack_webhook_url_version" {
  description = "Version of slack_webhook_url. The parameter's value is write-only, so Terraform cannot see the URL change: increase this number to write a new URL."
  type        = number
  nullable    = false
  default     = 1
}

variable "webhook_parameter_name" {
  description = "Name of the SSM SecureString parameter holding the webhook URL: the existing one, with create_webhook_parameter = false; otherwise null (/<name>/accesslog-notifier/slack-webhook-url is created)."
  type        = string
  default     = null
}

variable "webhook_parameter_kms_key_arn" {
  description = "ARN of the KMS key the webhook parameter is encrypted with, when not the AWS managed aws/ssm key: the created parameter uses it, and the notifier gets kms:Decrypt on it (through SSM only)."
  type        = string
  default     = null
}

variable "create_bot_token_parameter" {
  description = "With slack_delivery = \"app\": create the SSM SecureString parameter that holds the bot token, written from slack_bot_token. Set false and give bot_token_parameter_name to use a parameter you manage."
  type        = bool
  nullable    = false
  default     = true
}

variable "slack_bot_token" {
  description = "The Slack app's Bot User OAuth Token (xoxb-...), written to the SSM parameter created for it (slack_delivery = \"app\"). Ephemeral: with create_bot_token_parameter (the default), give it on every plan, apply (a saved plan's too: ephemeral values are not saved in it), refresh and destroy, for example from a TF_VAR_ environment variable in every CI job; it is never stored in the plan or the state (the parameter's value is write-only). Change the token together with slack_bot_token_version."
  type        = string
  default     = null
  ephemeral   = true
  sensitive   = true
}

variable "slack_bot_token_version" {
  description = "Version of slack_bot_token. The parameter's value is write-only, so Terraform cannot see the token change: increase this number to write a new token."
  type        = number
  nullable    = false
  default     = 1
}

variable "bot_token_parameter_name" {
  description = "Name of the SSM SecureString parameter holding the bot token: the existing one, with create_bot_token_parameter = false; otherwise null (/<name>/accesslog-notifier/slack-bot-token is created)."
  type        = string
  default     = null
}

variable "bot_token_parameter_kms_key_arn" {
  description = "ARN of the KMS key the bot token's parameter is encrypted with, when not the AWS managed aws/ssm key: the created parameter uses it, and the notifier gets kms:Decrypt on it (through SSM only)."
  type        = string
  default     = null
}

variable "create_state_table" {
  description = "Create the DynamoDB table where the notifier keeps its incidents (one Slack thread each, with slack_delivery = \"app\"), the windows it reported (so a retried or replayed run neither posts nor counts twice), mutes and what quiet hours held. Set false and give state_table_name to use a table you manage, or neither to run without state (every window a standalone digest; no quiet_hours)."
  type        = bool
  nullable    = false
  default     = true
}

variable "state_table_name" {
  description = "Name of an existing DynamoDB table for the notifier's state, with create_state_table = false: partition key pk and sort key sk (both strings), TTL on expires_at. Null otherwise (<name>-accesslog-notifier-state is created, or, with create_state_table = false, the notifier runs without state)."
  type        = string
  default     = null
}

variable "state_table_kms_key_arn" {
  description = "ARN of a customer managed KMS key for the state table: the created table is encrypted with it, and the notifier may use it through DynamoDB only (give it for an existing table under such a key too). Null: DynamoDB's default encryption at rest (an AWS owned key, no KMS charges)."
  type        = string
  default     = null
}

variable "enable_state_table_point_in_time_recovery" {
  description = "Turn on point-in-time recovery for the created state table (billed per GB stored). Off by default: the state is short-lived (windows and mutes expire in days) and losing it only means the next incident opens a new thread. Turn it on where a policy requires it for every table (Security Hub DynamoDB.2)."
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
  description = "Lambda runtime: python3.12 or python3.13, the Python runtimes that hashicorp/aws 5.x accepts (python3.14 needs provider 6.x)."
  type        = string
  nullable    = false
  default     = "python3.12"
}

variable "notifier_architecture" {
  description = "Instruction set of the function: arm64 (cheaper) or x86_64. The code is pure Python."
  type        = string
  nullable    = false
  default     = "arm64"
}

variable "notifier_memory_size" {
  description = "Memory of the function in MB."
  type        = number
  nullable    = false
  default     = 128
}

variable "notifier_timeout" {
  description = "Seconds a run may take: queries, storm splitting and Slack's rate limit all fit in it."
  type        = number
  nullable    = false
  default     = 300
}

variable "notifier_reserved_concurrent_executions" {
  description = "Concurrency reserved for the function; null reserves none. Overlapping runs are harmless (their windows are disjoint), and new accounts cannot reserve any (AWS keeps 10 unreserved), so it is unset by default."
  type        = number
  default     = null
}

variable "notifier_maximum_retry_attempts" {
  description = "Times Lambda retries a run that could not report its window (0-2). Only a run that delivered nothing is retried (a delivered digest is final), so a retry never repeats a digest. When the retries are used up, the event goes to the failure queue (create_notifier_failure_queue) and the failure alarm fires, where there is one."
  type        = number
  nullable    = false
  default     = 2
}

variable "notifier_log_retention_in_days" {
  description = "Days to keep the function's own logs. 0 keeps them forever."
  type        = number
  nullable    = false
  default     = 30
}

variable "notifier_log_kms_key_arn" {
  description = "ARN of a KMS key to encrypt the function's own log group with (its policy must let the Logs service use it: the kms_key_policy_json output holds that statement)."
  type        = string
  default     = null
}

variable "create_notifier_failure_queue" {
  description = "Create an SQS queue as the function's on-failure destination: a run that could not report its window (after Lambda's retries) leaves its event there for 14 days, and `python -m accesslog_notifier replay` reports exactly that window later."
  type        = bool
  nullable    = false
  default     = false
}

variable "notifier_failure_queue_kms_key_arn" {
  description = "ARN of a KMS key to encrypt the failure queue with; null uses SQS-managed encryption (SSE-SQS)."
  type        = string
  default     = null
}

variable "notifier_kms_key_arn" {
  description = "ARN of a KMS key to encrypt the function's environment with, instead of Lambda's AWS managed key. The environment holds no secret (the webhook URL and the bot token are in SSM); organisations that want every environment under their own key can have it."
  type        = string
  default     = null
}

variable "enable_notifier_tracing" {
  description = "Trace each run with AWS X-Ray (tracing mode Active; X-Ray bills per trace recorded)."
  type        = bool
  nullable    = false
  default     = false
}

variable "notifier_subnet_ids" {
  description = "Subnets to run the function in, when it must run inside your VPC. It calls Logs, SSM, DynamoDB (the state table) and Slack (the internet): those subnets need a NAT gateway, or VPC endpoints for Logs, SSM and DynamoDB and a proxy for Slack. Empty: no VPC."
  type        = list(string)
  nullable    = false
  default     = []
}

variable "notifier_security_group_ids" {
  description = "Security groups of the function in your VPC (with notifier_subnet_ids); they must allow outbound HTTPS."
  type        = list(string)
  nullable    = false
  default     = []
}

variable "notifier_code_signing_config_arn" {
  description = "ARN of a Lambda code signing configuration, where the organisation requires signed code. The committed zip is not signed: sign it with AWS Signer and give the signed package's path as notifier_package_path."
  type        = string
  default     = null
}

variable "notifier_package_path" {
  description = "Path of the function's zip. Defaults to the bundle's committed, deterministic source_code/dist/notifier.zip; give your own build to override."
  type        = string
  default     = null
}

variable "notifier_tags" {
  description = "Extra tags for the notifier function."
  type        = map(string)
  nullable    = false
  default     = {}
}
