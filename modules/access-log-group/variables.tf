variable "name" {
  description = "Name of the API this log group serves; the default log group name is /aws/apigateway/<name>-accesslog."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", var.name))
    error_message = "name must be 1-100 characters of letters, digits, '.', '_' or '-', starting with a letter or digit (got \"${var.name}\")."
  }
}

variable "create" {
  description = "Create the log group. With false, the module only yields the access-log format for an existing group named by log_group_name."
  type        = bool
  nullable    = false
  default     = true
}

variable "log_group_name" {
  description = "Full name of the access-log group, overriding the default /aws/apigateway/<name>-accesslog; with create = false, the existing group."
  type        = string
  default     = null

  validation {
    condition     = var.log_group_name == null || can(regex("^[A-Za-z0-9._/#-]{1,512}$", var.log_group_name))
    error_message = "log_group_name must be 1-512 characters of letters, digits, '.', '_', '-', '/' or '#' (got \"${coalesce(var.log_group_name, "null")}\")."
  }

  validation {
    condition     = var.create || var.log_group_name != null
    error_message = "log_group_name is required when create is false (the name of the existing access-log group)."
  }
}

variable "retention_in_days" {
  description = "Days CloudWatch Logs keeps access-log events. 0 keeps them forever."
  type        = number
  nullable    = false
  default     = 90

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.retention_in_days)
    error_message = "retention_in_days must be one of 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (got ${var.retention_in_days})."
  }
}

variable "kms_key_arn" {
  description = "ARN of a KMS key to encrypt the log group with. The key policy must allow the logs.<region>.amazonaws.com service principal."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN like arn:aws:kms:<region>:<account-id>:key/<key-id> (got \"${coalesce(var.kms_key_arn, "null")}\")."
  }
}

variable "additional_format_fields" {
  description = "Extra fields for the JSON access-log format, as name => API Gateway $context variable (for example { userAgent = \"$context.identity.userAgent\" }). Values are emitted as JSON strings."
  type        = map(string)
  nullable    = false
  default     = {}

  validation {
    condition     = alltrue([for field, variable in var.additional_format_fields : can(regex("^[A-Za-z][A-Za-z0-9_]*$", field)) && can(regex("^\\$context\\.[A-Za-z0-9_.]+$", variable))])
    error_message = "additional_format_fields keys must be identifiers (letters, digits, '_') and values $context variables like \"$context.identity.userAgent\"."
  }
}

variable "tags" {
  description = "Tags for every resource this module creates."
  type        = map(string)
  nullable    = false
  default     = {}
}

variable "log_group_tags" {
  description = "Extra tags for the access-log group."
  type        = map(string)
  nullable    = false
  default     = {}
}
