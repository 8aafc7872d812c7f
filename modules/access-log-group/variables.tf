variable "name" {
  description = "Name of the API this log group serves; the default log group name is /aws/apigateway/<name>-accesslog."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", var.name))
    error_message = "name must be 1-100 characters of letters, digits, '.', '_' or '-', starting with a letter or digit (got \"${var.name}\")."
  }
}

variable "api_type" {
  description = "REST (API Gateway v1) or HTTP (v2): which $context variables the format uses. Both carry a numeric status; REST lines name a route by httpMethod and resourcePath, HTTP lines by routeKey."
  type        = string
  nullable    = false
  default     = "REST"

  validation {
    condition     = contains(["REST", "HTTP"], var.api_type)
    error_message = "api_type must be REST or HTTP (got \"${var.api_type}\")."
  }
}

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

  validation {
    condition     = var.access_log_group_name == null ? var.create_access_log_group : can(regex(local.contract.patterns.log_group_name, var.access_log_group_name))
    error_message = "access_log_group_name must be a log group name matching ${local.contract.patterns.log_group_name}, and is required when create_access_log_group is false (got ${jsonencode(var.access_log_group_name)})."
  }
}

variable "access_log_retention_in_days" {
  description = "Days CloudWatch Logs keeps access-log events. 0 keeps them forever."
  type        = number
  nullable    = false
  default     = 90

  validation {
    condition     = contains(local.contract.log_retention_in_days, var.access_log_retention_in_days)
    error_message = "access_log_retention_in_days must be one of ${join(", ", local.contract.log_retention_in_days)} (0: never expire) (got ${var.access_log_retention_in_days})."
  }
}

variable "access_log_kms_key_arn" {
  description = "ARN of a KMS key to encrypt the log group with. The key policy must allow the logs.<region>.amazonaws.com service principal."
  type        = string
  default     = null

  validation {
    condition     = var.access_log_kms_key_arn == null || can(regex(local.contract.patterns.kms_key_arn, var.access_log_kms_key_arn))
    error_message = "access_log_kms_key_arn must be a KMS key ARN like arn:aws:kms:<region>:<account-id>:key/<key-id> (got ${jsonencode(var.access_log_kms_key_arn)})."
  }
}

variable "access_log_additional_fields" {
  description = "Extra fields for the JSON access-log format, as name => API Gateway $context variable (for example { userAgent = \"$context.identity.userAgent\" }). Values are emitted as JSON strings; names the format already has (requestId, status ...) are refused."
  type        = map(string)
  nullable    = false
  default     = {}

  validation {
    condition     = alltrue([for field, variable in var.access_log_additional_fields : can(regex("^[A-Za-z][A-Za-z0-9_]*$", field)) && can(regex("^\\$context\\.[A-Za-z0-9_.]+$", variable))])
    error_message = "access_log_additional_fields keys must be identifiers (letters, digits, '_') and values $context variables like \"$context.identity.userAgent\"."
  }

  # The format's own fields (the contract's, for this API type) are what the error alarm's filters and the notifier
  # read: an extra field of the same name would replace one (requestId) or repeat a key (status).
  validation {
    condition     = length(setintersection(keys(var.access_log_additional_fields), [for field in values(local.contract.access_log.fields) : field.name if contains(field.api_types, var.api_type)])) == 0
    error_message = "access_log_additional_fields must not name a field the ${var.api_type} access-log format already has (got ${join(", ", sort(setintersection(keys(var.access_log_additional_fields), [for field in values(local.contract.access_log.fields) : field.name if contains(field.api_types, var.api_type)])))})."
  }
}

variable "tags" {
  description = "Tags for every taggable resource created."
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
