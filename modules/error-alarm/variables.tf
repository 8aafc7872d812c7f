variable "name" {
  description = "Prefix for the metric filters, alarms, SNS topic and Chatbot configuration, usually the API's name."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", var.name))
    error_message = "name must be 1-40 letters, digits, '_' or '-', starting with a letter or digit (got \"${var.name}\")."
  }
}

variable "access_log_group_name" {
  description = "Name of the access-log group to watch. Its lines must be JSON with a numeric status field (the access-log-group module's format)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex(local.contract.patterns.log_group_name, var.access_log_group_name))
    error_message = "access_log_group_name must be a log group name matching ${local.contract.patterns.log_group_name} (got \"${var.access_log_group_name}\")."
  }
}

variable "error_status_threshold" {
  description = "Lowest HTTP status that counts as an error, for the alarms and the notifier alike: the root module gives both the same value, so both methods agree on what an error is. The 4xx alarms count [max(threshold, 400), 499], the 5xx alarms [max(threshold, 500), 599]."
  type        = number
  nullable    = false
  default     = 400

  validation {
    condition     = floor(var.error_status_threshold) == var.error_status_threshold && var.error_status_threshold >= local.threshold.minimum && var.error_status_threshold <= local.threshold.maximum
    error_message = "error_status_threshold must be a whole number from ${local.threshold.minimum} to ${local.threshold.maximum} (got ${var.error_status_threshold})."
  }
}

variable "api_type" {
  description = "REST (API Gateway v1) or HTTP (v2): which access-log fields name a route (httpMethod and resourcePath, or routeKey) and which API Gateway metrics the rate alarms read."
  type        = string
  nullable    = false
  default     = "REST"

  validation {
    condition     = contains(["REST", "HTTP"], var.api_type)
    error_message = "api_type must be REST or HTTP (got \"${var.api_type}\")."
  }
}

variable "ignore_statuses" {
  description = "Statuses that never count as errors, like 404 from scanners, for the alarms (left out of their filter patterns) and the notifier alike: the root module gives both the same list."
  type        = list(number)
  nullable    = false
  default     = []

  validation {
    condition     = length(var.ignore_statuses) <= local.contract.settings.ignore_statuses.max_items && alltrue([for status in var.ignore_statuses : floor(status) == status && status >= local.contract.settings.ignore_statuses.minimum && status <= local.contract.settings.ignore_statuses.maximum])
    error_message = "ignore_statuses must be a list of at most ${local.contract.settings.ignore_statuses.max_items} whole numbers from ${local.contract.settings.ignore_statuses.minimum} to ${local.contract.settings.ignore_statuses.maximum} (got ${jsonencode(var.ignore_statuses)})."
  }
}

variable "ignore_routes" {
  description = "Routes whose requests never count, for the alarms (left out of their filter patterns) and the notifier alike (the root module gives both the same list): \"GET /health\" (REST APIs: method and resource path; HTTP APIs: the route key), \"* /health\" for every method, \"$default\" (HTTP APIs)."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = length(var.ignore_routes) <= local.contract.settings.ignore_routes.max_items && alltrue([for route in var.ignore_routes : can(regex(local.contract.patterns.route, route))])
    error_message = "ignore_routes must be a list of at most ${local.contract.settings.ignore_routes.max_items} routes matching ${local.contract.patterns.route}, like \"GET /health\" or \"* /health\" (got ${jsonencode(var.ignore_routes)})."
  }
}

variable "create_4xx_alarm" {
  description = "Create the metric filter and alarm for client errors (4xx)."
  type        = bool
  nullable    = false
  default     = true

  validation {
    condition     = !var.create_4xx_alarm || var.error_status_threshold < 500
    error_message = "create_4xx_alarm must be false when error_status_threshold is 500 or more: no 4xx status would count as an error."
  }
}

variable "alarm_4xx_threshold" {
  description = "Number of 4xx responses within alarm_period seconds that puts the 4xx alarm in ALARM."
  type        = number
  nullable    = false
  default     = 1

  validation {
    condition     = var.alarm_4xx_threshold >= 1
    error_message = "alarm_4xx_threshold must be 1 or more responses (got ${var.alarm_4xx_threshold})."
  }
}

variable "create_5xx_alarm" {
  description = "Create the metric filter and alarm for server errors (5xx)."
  type        = bool
  nullable    = false
  default     = true

  validation {
    condition     = var.create_5xx_alarm || var.create_4xx_alarm
    error_message = "create_4xx_alarm and create_5xx_alarm are both false: there would be a topic with no alarm to feed it. Enable one, or do not use this module."
  }
}

variable "alarm_5xx_threshold" {
  description = "Number of 5xx responses within alarm_period seconds that puts the 5xx alarm in ALARM."
  type        = number
  nullable    = false
  default     = 1

  validation {
    condition     = var.alarm_5xx_threshold >= 1
    error_message = "alarm_5xx_threshold must be 1 or more responses (got ${var.alarm_5xx_threshold})."
  }
}

variable "alarm_period" {
  description = "Seconds over which the error count is summed: a multiple of 60 (metric-filter metrics have one-minute resolution)."
  type        = number
  nullable    = false
  default     = 60

  validation {
    condition     = var.alarm_period >= 60 && var.alarm_period % 60 == 0
    error_message = "alarm_period must be a multiple of 60 seconds: metric filters publish one-minute data (got ${var.alarm_period})."
  }
}

variable "alarm_evaluation_periods" {
  description = "Number of most recent periods the alarm looks at."
  type        = number
  nullable    = false
  default     = 1

  validation {
    condition     = var.alarm_evaluation_periods >= 1 && floor(var.alarm_evaluation_periods) == var.alarm_evaluation_periods
    error_message = "alarm_evaluation_periods must be a whole number >= 1 (got ${var.alarm_evaluation_periods})."
  }

  validation {
    condition     = var.alarm_period * var.alarm_evaluation_periods <= (var.alarm_period < 3600 ? 86400 : 604800)
    error_message = "alarm_period x alarm_evaluation_periods must be at most a day (7 days for periods of an hour or more), CloudWatch's limit (got ${var.alarm_period * var.alarm_evaluation_periods} s)."
  }
}

variable "alarm_datapoints_to_alarm" {
  description = "Of the alarm_evaluation_periods evaluated, how many must breach for ALARM (\"M out of N\"). null means all of them."
  type        = number
  default     = null

  validation {
    condition     = var.alarm_datapoints_to_alarm == null || try(var.alarm_datapoints_to_alarm >= 1 && var.alarm_datapoints_to_alarm <= var.alarm_evaluation_periods, false)
    error_message = "alarm_datapoints_to_alarm must be null or from 1 to alarm_evaluation_periods (${var.alarm_evaluation_periods}); got ${coalesce(var.alarm_datapoints_to_alarm, -1)}."
  }
}

variable "alarm_treat_missing_data" {
  description = "How the alarms treat periods without data: notBreaching, breaching, ignore or missing. A period without errors has no data (the filter emits nothing), so notBreaching lets an alarm return to OK."
  type        = string
  nullable    = false
  default     = "notBreaching"

  validation {
    condition     = contains(["notBreaching", "breaching", "ignore", "missing"], var.alarm_treat_missing_data)
    error_message = "alarm_treat_missing_data must be one of notBreaching, breaching, ignore, missing (got \"${var.alarm_treat_missing_data}\")."
  }
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

  validation {
    condition     = var.alarm_4xx_rate_threshold_percent > 0 && var.alarm_4xx_rate_threshold_percent <= 100
    error_message = "alarm_4xx_rate_threshold_percent must be more than 0 and at most 100 (got ${var.alarm_4xx_rate_threshold_percent})."
  }
}

variable "alarm_5xx_rate_threshold_percent" {
  description = "Percentage of a period's requests answered 5xx that raises the 5xx rate alarm."
  type        = number
  nullable    = false
  default     = 5

  validation {
    condition     = var.alarm_5xx_rate_threshold_percent > 0 && var.alarm_5xx_rate_threshold_percent <= 100
    error_message = "alarm_5xx_rate_threshold_percent must be more than 0 and at most 100 (got ${var.alarm_5xx_rate_threshold_percent})."
  }
}

variable "rest_api_name" {
  description = "Name of the REST API (not its id): REST API metrics are published by ApiName. For the rate alarms of a REST API."
  type        = string
  default     = null

  validation {
    condition     = var.rest_api_name != null ? length(var.rest_api_name) >= 1 && length(var.rest_api_name) <= 1024 : !(var.create_error_rate_alarms && var.api_type == "REST")
    error_message = "rest_api_name is required (1-1024 characters) when create_error_rate_alarms is true for a REST API (got ${jsonencode(var.rest_api_name)})."
  }

  validation {
    # API Gateway Developer Guide, "Amazon API Gateway dimensions and metrics": non-ASCII characters are removed
    # from ApiName, and a name without any ASCII character is published as the API's id.
    condition     = var.rest_api_name == null || length(replace(coalesce(var.rest_api_name, "-"), "/[^\\x00-\\x7F]/", "")) > 0
    error_message = "rest_api_name has no ASCII character, so API Gateway publishes this API's metrics under its id: give the REST API's id as rest_api_name (got ${jsonencode(var.rest_api_name)})."
  }
}

variable "http_api_id" {
  description = "ID of the HTTP API: HTTP API metrics are published by ApiId. For the rate alarms of an HTTP API."
  type        = string
  default     = null

  validation {
    condition     = var.http_api_id != null ? can(regex("^[a-z0-9]{10}$", var.http_api_id)) : !(var.create_error_rate_alarms && var.api_type == "HTTP")
    error_message = "http_api_id must be the 10-character id of an HTTP API, required when create_error_rate_alarms is true for an HTTP API (got ${jsonencode(var.http_api_id)})."
  }
}

variable "stage_name" {
  description = "Name of the stage whose metrics the rate alarms read (create_error_rate_alarms)."
  type        = string
  default     = null

  validation {
    condition     = var.stage_name != null ? can(regex("^[A-Za-z0-9_$-]{1,128}$", var.stage_name)) : !var.create_error_rate_alarms
    error_message = "stage_name must be 1-128 letters, digits, '_', '-' or '$' (like $default), required when create_error_rate_alarms is true (got ${jsonencode(var.stage_name)})."
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

variable "metric_name_prefix" {
  description = "Prefix of the metric names; the metrics are <prefix>-4xx and <prefix>-5xx. Defaults to name."
  type        = string
  default     = null

  validation {
    condition     = var.metric_name_prefix == null || can(regex("^[A-Za-z0-9._/#:-]{1,250}$", var.metric_name_prefix))
    error_message = "metric_name_prefix must be 1-250 characters of letters, digits and ._/#:- (got \"${coalesce(var.metric_name_prefix, "null")}\")."
  }
}

variable "enable_ok_actions" {
  description = "Also notify when an alarm returns to OK, so the channel sees that the errors stopped."
  type        = bool
  nullable    = false
  default     = true
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

  validation {
    condition     = var.sns_topic_name == null || can(regex("^[A-Za-z0-9_-]{1,256}$", var.sns_topic_name))
    error_message = "sns_topic_name must be 1-256 letters, digits, '_' or '-' (got \"${coalesce(var.sns_topic_name, "null")}\")."
  }
}

variable "sns_topic_arn" {
  description = "ARN of an existing SNS topic for the alarms, used when create_sns_topic is false."
  type        = string
  default     = null

  validation {
    condition     = var.sns_topic_arn == null || can(regex(local.contract.patterns.sns_topic_arn, var.sns_topic_arn))
    error_message = "sns_topic_arn must be an SNS topic ARN like arn:aws:sns:<region>:<account-id>:<topic> (got \"${coalesce(var.sns_topic_arn, "null")}\")."
  }

  validation {
    condition     = var.create_sns_topic || var.sns_topic_arn != null
    error_message = "sns_topic_arn is required when create_sns_topic is false."
  }
}

variable "sns_topic_kms_key_arn" {
  description = "ARN of a customer managed KMS key to encrypt the created topic with (not alias/aws/sns: alarms cannot publish to a topic encrypted with it). Its key policy must let cloudwatch.amazonaws.com use it: the kms_key_policy_json output holds that statement."
  type        = string
  default     = null

  validation {
    condition     = var.sns_topic_kms_key_arn == null || !endswith(coalesce(var.sns_topic_kms_key_arn, "-"), "alias/aws/sns")
    error_message = "sns_topic_kms_key_arn must not be the AWS managed alias/aws/sns key: its key policy cannot be changed to let CloudWatch use it, so the alarms could not publish to the topic. Use a customer managed key."
  }

  validation {
    condition     = var.sns_topic_kms_key_arn == null || endswith(coalesce(var.sns_topic_kms_key_arn, "-"), "alias/aws/sns") || can(regex(local.contract.patterns.kms_key_arn, var.sns_topic_kms_key_arn))
    error_message = "sns_topic_kms_key_arn must be a KMS key ARN like arn:aws:kms:<region>:<account-id>:key/<key-id> (got ${jsonencode(var.sns_topic_kms_key_arn)})."
  }
}

variable "sns_topic_publisher_alarm_arns" {
  description = "ARNs of other alarms that notify the created topic (a notifier's failure alarms, alarms of your own), so its policy lets CloudWatch publish for them too. Wildcards (*) are allowed in the alarm name."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for arn in var.sns_topic_publisher_alarm_arns : can(regex(local.contract.patterns.cloudwatch_alarm_arn, arn))])
    error_message = "sns_topic_publisher_alarm_arns must hold CloudWatch alarm ARNs like arn:aws:cloudwatch:<region>:<account-id>:alarm:<name> (got ${jsonencode(var.sns_topic_publisher_alarm_arns)})."
  }
}

variable "create_chatbot_channel" {
  description = "Create an Amazon Q Developer in chat applications (formerly AWS Chatbot) Slack channel configuration subscribed to the alarms' SNS topic. The Slack workspace must have been authorised once in its console."
  type        = bool
  nullable    = false
  default     = false
}

variable "chatbot_slack_team_id" {
  description = "Slack workspace (team) id, as its console shows it, like T07EA123LEP. Required when create_chatbot_channel is true."
  type        = string
  default     = null

  validation {
    condition     = !var.create_chatbot_channel || can(regex("^[0-9A-Z]{1,255}$", var.chatbot_slack_team_id))
    error_message = "chatbot_slack_team_id must be the workspace id in capitals and digits, like T07EA123LEP, when create_chatbot_channel is true."
  }
}

variable "chatbot_slack_channel_id" {
  description = "Slack channel id (from the channel's link), like C07EZ1ABC23. Required when create_chatbot_channel is true."
  type        = string
  default     = null

  validation {
    condition     = !var.create_chatbot_channel || can(regex("^[A-Za-z0-9]{1,255}$", var.chatbot_slack_channel_id))
    error_message = "chatbot_slack_channel_id must be a Slack channel id of letters and digits, like C07EZ1ABC23, when create_chatbot_channel is true."
  }
}

variable "chatbot_guardrail_policy_arns" {
  description = "IAM policies that cap what anyone in the channel can do through Chatbot. Defaults to the AWS managed CloudWatchReadOnlyAccess. AdministratorAccess is refused."
  type        = list(string)
  default     = null

  validation {
    condition     = var.chatbot_guardrail_policy_arns == null || alltrue([for arn in coalesce(var.chatbot_guardrail_policy_arns, []) : can(regex(local.contract.patterns.iam_policy_arn, arn))])
    error_message = "chatbot_guardrail_policy_arns must be IAM policy ARNs like arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess."
  }

  validation {
    condition     = var.chatbot_guardrail_policy_arns == null || !anytrue([for arn in coalesce(var.chatbot_guardrail_policy_arns, []) : endswith(arn, "/AdministratorAccess")])
    error_message = "chatbot_guardrail_policy_arns must not contain AdministratorAccess: anyone in the Slack channel could then administer the account. Use a read-only policy."
  }

  validation {
    condition     = var.chatbot_guardrail_policy_arns == null || length(coalesce(var.chatbot_guardrail_policy_arns, [])) > 0
    error_message = "chatbot_guardrail_policy_arns must be null (the read-only default) or name at least one policy: an empty list removes the guardrail."
  }
}

variable "chatbot_logging_level" {
  description = "Logging level of the Chatbot configuration: ERROR, INFO or NONE."
  type        = string
  nullable    = false
  default     = "ERROR"

  validation {
    condition     = contains(["ERROR", "INFO", "NONE"], var.chatbot_logging_level)
    error_message = "chatbot_logging_level must be one of ERROR, INFO, NONE (got \"${var.chatbot_logging_level}\")."
  }
}

variable "iam_role_path" {
  description = "IAM path of every role created, where the organisation keeps them under one (like /service-role/)."
  type        = string
  nullable    = false
  default     = "/"

  validation {
    condition     = can(regex(local.contract.patterns.iam_role_path, var.iam_role_path)) && length(var.iam_role_path) <= 512
    error_message = "iam_role_path must start and end with '/' and hold only letters, digits and +=,.@_- between them, like /service-role/ (got \"${var.iam_role_path}\")."
  }
}

variable "iam_role_permissions_boundary_arn" {
  description = "ARN of the managed policy to set as the permissions boundary of every role created, where the organisation requires one."
  type        = string
  default     = null

  validation {
    condition     = var.iam_role_permissions_boundary_arn == null || can(regex(local.contract.patterns.iam_policy_arn, var.iam_role_permissions_boundary_arn))
    error_message = "iam_role_permissions_boundary_arn must be an IAM policy ARN like arn:aws:iam::123456789012:policy/boundary (got ${jsonencode(var.iam_role_permissions_boundary_arn)})."
  }
}

variable "tags" {
  description = "Tags for every taggable resource created."
  type        = map(string)
  nullable    = false
  default     = {}
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

variable "chatbot_tags" {
  description = "Extra tags for the Chatbot configuration and its IAM role."
  type        = map(string)
  nullable    = false
  default     = {}
}
