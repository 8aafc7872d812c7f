variable "name" {
  description = "Prefix of everything created; the function is <name>-accesslog-notifier."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", var.name))
    error_message = "name must be 1-40 letters, digits, '_' or '-', starting with a letter or digit (got \"${var.name}\")."
  }
}

variable "log_group_names" {
  description = "Access-log groups to watch (JSON lines with a status field). Queried together, at most 50 per Logs Insights query."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.log_group_names) > 0 && alltrue([for name in var.log_group_names : can(regex("^[A-Za-z0-9._/#-]{1,512}$", name))])
    error_message = "log_group_names must hold at least one log group name of 1-512 letters, digits, '.', '_', '-', '/' or '#'."
  }
}

variable "error_status_threshold" {
  description = "Lowest HTTP status reported as an error. Give the same value as the alarm (the root module does)."
  type        = number
  nullable    = false
  default     = 400

  validation {
    condition     = floor(var.error_status_threshold) == var.error_status_threshold && var.error_status_threshold >= 400 && var.error_status_threshold <= 599
    error_message = "error_status_threshold must be a whole HTTP status from 400 to 599 (got ${var.error_status_threshold})."
  }
}

variable "schedule_expression" {
  description = "How often the check runs, as an EventBridge rate expression. Each run reports the interval before its scheduled time, so only rate() is accepted: consecutive windows then tile time exactly."
  type        = string
  nullable    = false
  default     = "rate(5 minutes)"

  validation {
    condition = can(regex("^rate\\((1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours))\\)$", var.schedule_expression)) && try(
      tonumber(regex("[0-9]+", var.schedule_expression)) * (strcontains(var.schedule_expression, "hour") ? 3600 : strcontains(var.schedule_expression, "day") ? 86400 : 60) <= 86400,
      false
    )
    error_message = "schedule_expression must be a rate expression of at most a day, like rate(5 minutes), rate(1 hour) or rate(1 day) (singular unit for 1), got \"${var.schedule_expression}\"."
  }
}

variable "ingestion_lag_seconds" {
  description = "How far behind the scheduled time each window ends, so log events still being ingested are not missed. Events reach Logs Insights within seconds to a minute."
  type        = number
  nullable    = false
  default     = 60

  validation {
    condition     = var.ingestion_lag_seconds >= 0 && var.ingestion_lag_seconds <= 900 && floor(var.ingestion_lag_seconds) == var.ingestion_lag_seconds
    error_message = "ingestion_lag_seconds must be a whole number of seconds from 0 to 900 (got ${var.ingestion_lag_seconds})."
  }
}

variable "query_limit" {
  description = "Rows per Logs Insights query (10,000 at most). A window with more is split into smaller queries, so totals stay exact."
  type        = number
  nullable    = false
  default     = 10000

  validation {
    condition     = var.query_limit >= 1 && var.query_limit <= 10000 && floor(var.query_limit) == var.query_limit
    error_message = "query_limit must be a whole number from 1 to 10000 (got ${var.query_limit})."
  }
}

variable "sample_count" {
  description = "Access-log lines quoted in the Slack digest, with links to their execution logs and traces."
  type        = number
  nullable    = false
  default     = 5

  validation {
    condition     = var.sample_count >= 0 && var.sample_count <= 20 && floor(var.sample_count) == var.sample_count
    error_message = "sample_count must be a whole number from 0 to 20 (got ${var.sample_count})."
  }
}

variable "top_n" {
  description = "Method + resource path rows in the digest's ranking."
  type        = number
  nullable    = false
  default     = 10

  validation {
    condition     = var.top_n >= 1 && var.top_n <= 50 && floor(var.top_n) == var.top_n
    error_message = "top_n must be a whole number from 1 to 50 (got ${var.top_n})."
  }
}

variable "max_messages" {
  description = "Most Slack messages one run may send (Slack accepts about one per second)."
  type        = number
  nullable    = false
  default     = 5

  validation {
    condition     = var.max_messages >= 1 && var.max_messages <= 10 && floor(var.max_messages) == var.max_messages
    error_message = "max_messages must be a whole number from 1 to 10 (got ${var.max_messages})."
  }
}

variable "message_title" {
  description = "Title of the Slack digest."
  type        = string
  nullable    = false
  default     = "API Gateway errors"

  validation {
    condition     = length(var.message_title) >= 1 && length(var.message_title) <= 150
    error_message = "message_title must be 1-150 characters (Slack's header limit)."
  }
}

variable "slack_webhook_url" {
  description = "Slack incoming webhook URL (https://hooks.slack.com/...; http only to 127.0.0.1, localhost or [::1], for local tests), stored in an SSM SecureString parameter this module creates (and therefore in Terraform state, which must be protected). To keep it out of state, create the parameter yourself and give webhook_parameter_name instead. Checked by preconditions, not a validation block: Terraform prints a variable's value in a failed validation even when it is sensitive."
  type        = string
  default     = null
  sensitive   = true
}

variable "webhook_parameter_name" {
  description = "Name of an existing SSM SecureString parameter holding the webhook URL, instead of slack_webhook_url."
  type        = string
  default     = null

  validation {
    condition     = var.webhook_parameter_name == null || try(length(var.webhook_parameter_name) <= 1011 && can(regex("^/?[A-Za-z0-9_.\\-/]+$", var.webhook_parameter_name)), false)
    error_message = "webhook_parameter_name must be an SSM parameter name of letters, digits and _.-/ (got \"${coalesce(var.webhook_parameter_name, "null")}\")."
  }
}

variable "webhook_parameter_kms_key_arn" {
  description = "ARN of the KMS key the parameter is encrypted with, when not the AWS managed aws/ssm key; the function gets kms:Decrypt on it."
  type        = string
  default     = null

  validation {
    condition     = var.webhook_parameter_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.webhook_parameter_kms_key_arn))
    error_message = "webhook_parameter_kms_key_arn must be a KMS key ARN like arn:aws:kms:<region>:<account-id>:key/<key-id> (got \"${coalesce(var.webhook_parameter_kms_key_arn, "null")}\")."
  }
}

variable "runtime" {
  description = "Lambda runtime: a current Python, python3.12 or newer."
  type        = string
  nullable    = false
  default     = "python3.12"

  validation {
    condition     = can(regex("^python3\\.(1[2-9]|[2-9][0-9])$", var.runtime))
    error_message = "runtime must be python3.12 or newer, like python3.13 (got \"${var.runtime}\")."
  }
}

variable "architecture" {
  description = "Instruction set of the function: arm64 (cheaper) or x86_64. The code is pure Python."
  type        = string
  nullable    = false
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64 (got \"${var.architecture}\")."
  }
}

variable "memory_size" {
  description = "Memory of the function in MB."
  type        = number
  nullable    = false
  default     = 128

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number of MB from 128 to 10240 (got ${var.memory_size})."
  }
}

variable "timeout" {
  description = "Seconds a run may take: queries, storm splitting and Slack's rate limit all fit in it."
  type        = number
  nullable    = false
  default     = 300

  validation {
    condition     = var.timeout >= 30 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds from 30 to 900 (got ${var.timeout})."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for the function; null reserves none. Overlapping runs are harmless (their windows are disjoint), and new accounts cannot reserve any (AWS keeps 10 unreserved), so it is unset by default."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null || try(var.reserved_concurrent_executions >= 1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions, false)
    error_message = "reserved_concurrent_executions must be null (reserve nothing) or a whole number >= 1; 0 would stop every run (got ${coalesce(var.reserved_concurrent_executions, -1)})."
  }
}

variable "maximum_retry_attempts" {
  description = "Times Lambda retries a failed run of the same scheduled event (0-2). A retry reports the same window again, so a delivery that failed for a while still arrives; a run that failed after sending some messages may repeat them. When the retries are used up, the failure alarm (enable_failure_alarm) is how you hear of it."
  type        = number
  nullable    = false
  default     = 2

  validation {
    condition     = contains([0, 1, 2], var.maximum_retry_attempts)
    error_message = "maximum_retry_attempts must be 0, 1 or 2 (got ${var.maximum_retry_attempts})."
  }
}

variable "log_level" {
  description = "Level of the function's own logs (Lambda's JSON log format): DEBUG, INFO, WARN or ERROR."
  type        = string
  nullable    = false
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "log_level must be one of DEBUG, INFO, WARN, ERROR (got \"${var.log_level}\")."
  }
}

variable "log_retention_in_days" {
  description = "Days to keep the function's own logs. 0 keeps them forever."
  type        = number
  nullable    = false
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be one of 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (got ${var.log_retention_in_days})."
  }
}

variable "package_path" {
  description = "Path of the function's zip. Defaults to the bundle's committed, deterministic source_code/dist/notifier.zip; give your own build to override."
  type        = string
  default     = null

  validation {
    condition     = var.package_path == null || endswith(coalesce(var.package_path, "-"), ".zip")
    error_message = "package_path must be the path of a .zip file."
  }
}

variable "enable_failure_alarm" {
  description = "Alarm on the function's own Errors metric (a failed query, incomplete totals, a delivery Slack refused), notifying failure_alarm_sns_topic_arn, so a notifier that stopped reporting does not go unnoticed."
  type        = bool
  default     = false
  nullable    = false
}

variable "failure_alarm_sns_topic_arn" {
  description = "SNS topic for the failure alarm (ALARM and OK), required when enable_failure_alarm is true."
  type        = string
  default     = null

  validation {
    condition     = var.failure_alarm_sns_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.failure_alarm_sns_topic_arn))
    error_message = "failure_alarm_sns_topic_arn must be an SNS topic ARN like arn:aws:sns:<region>:<account-id>:<topic> (got \"${coalesce(var.failure_alarm_sns_topic_arn, "null")}\")."
  }

  validation {
    condition     = !var.enable_failure_alarm || var.failure_alarm_sns_topic_arn != null
    error_message = "failure_alarm_sns_topic_arn is required when enable_failure_alarm is true."
  }
}

variable "tags" {
  description = "Tags for every taggable resource this module creates."
  type        = map(string)
  nullable    = false
  default     = {}
}

variable "function_tags" {
  description = "Extra tags for the Lambda function."
  type        = map(string)
  nullable    = false
  default     = {}
}
