variable "rest_api_id" {
  description = "ID of the REST API whose stage gets execution logging (the 10-character id, not the name)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9]{10}$", var.rest_api_id))
    error_message = "rest_api_id must be the 10-character lower-case id of a REST API, like a1b2c3d4e5 (got \"${var.rest_api_id}\")."
  }
}

variable "stage_name" {
  description = "Name of the existing stage."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 letters, digits, '_' or '-' (got \"${var.stage_name}\")."
  }
}

variable "method_path" {
  description = "Methods the settings apply to: */* for every method, or {resource_path}/{http_method} such as orders/GET (no leading slash)."
  type        = string
  nullable    = false
  default     = "*/*"

  validation {
    condition     = var.method_path == "*/*" || can(regex("^[^/].*/(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|ANY|\\*)$", var.method_path))
    error_message = "method_path must be */* or <resource path without leading slash>/<HTTP method or *>, like orders/GET (got \"${var.method_path}\")."
  }
}

variable "logging_level" {
  description = "Execution logging level: OFF, ERROR (errors only) or INFO (every request's execution trace)."
  type        = string
  nullable    = false
  default     = "INFO"

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.logging_level)
    error_message = "logging_level must be one of OFF, ERROR, INFO (got \"${var.logging_level}\")."
  }
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

  validation {
    condition     = var.throttling_burst_limit == null || try(var.throttling_burst_limit >= 0 && floor(var.throttling_burst_limit) == var.throttling_burst_limit, false)
    error_message = "throttling_burst_limit must be null or a whole number >= 0 (got ${coalesce(var.throttling_burst_limit, -1)})."
  }
}

variable "throttling_rate_limit" {
  description = "Stage-level throttling rate limit (requests per second) for the methods of method_path. null sets none (-1), so the account-level limits apply."
  type        = number
  default     = null

  validation {
    condition     = var.throttling_rate_limit == null || try(var.throttling_rate_limit >= 0, false)
    error_message = "throttling_rate_limit must be null or a number >= 0 (got ${coalesce(var.throttling_rate_limit, -1)})."
  }
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

  validation {
    condition     = contains(local.contract.log_retention_in_days, var.execution_log_retention_in_days)
    error_message = "execution_log_retention_in_days must be one of ${join(", ", local.contract.log_retention_in_days)} (0: never expire) (got ${var.execution_log_retention_in_days})."
  }
}

variable "execution_log_kms_key_arn" {
  description = "ARN of a KMS key to encrypt the execution log group with (its policy must let the Logs service use it: the kms_key_policy_json output holds that statement)."
  type        = string
  default     = null

  validation {
    condition     = var.execution_log_kms_key_arn == null || can(regex(local.contract.patterns.kms_key_arn, var.execution_log_kms_key_arn))
    error_message = "execution_log_kms_key_arn must be a KMS key ARN like arn:aws:kms:<region>:<account-id>:key/<key-id> (got \"${coalesce(var.execution_log_kms_key_arn, "null")}\")."
  }
}

variable "tags" {
  description = "Tags for every taggable resource created."
  type        = map(string)
  nullable    = false
  default     = {}
}

variable "execution_log_group_tags" {
  description = "Extra tags for the execution log group."
  type        = map(string)
  nullable    = false
  default     = {}
}
