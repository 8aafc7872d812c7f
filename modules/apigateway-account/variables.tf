variable "existing_role_arn" {
  description = "ARN of an existing IAM role for API Gateway to push logs with. When set, no role is created."
  type        = string
  default     = null

  validation {
    condition     = var.existing_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", var.existing_role_arn))
    error_message = "existing_role_arn must be an IAM role ARN like arn:aws:iam::123456789012:role/service-role/apigateway-cloudwatch (got \"${coalesce(var.existing_role_arn, "null")}\")."
  }
}

variable "role_name" {
  description = "Name of the IAM role to create. Defaults to apigateway-cloudwatch-<region>: the account setting is per region, the role name is global."
  type        = string
  default     = null

  validation {
    condition     = var.role_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "role_name must be 1-64 characters of letters, digits and +=,.@_- (got \"${coalesce(var.role_name, "null")}\")."
  }
}

variable "role_path" {
  description = "IAM path of the role to create."
  type        = string
  nullable    = false
  default     = "/service-role/"

  validation {
    condition     = can(regex("^/([A-Za-z0-9+=,.@_-]+/)*$", var.role_path)) && length(var.role_path) <= 512
    error_message = "role_path must start and end with '/' and contain only letters, digits and +=,.@_- between them, like /service-role/ (got \"${var.role_path}\")."
  }
}

variable "role_permissions_boundary_arn" {
  description = "ARN of a managed policy to use as the created role's permissions boundary, where the organisation requires one."
  type        = string
  default     = null

  validation {
    condition     = var.role_permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.role_permissions_boundary_arn))
    error_message = "role_permissions_boundary_arn must be an IAM policy ARN like arn:aws:iam::123456789012:policy/boundary (got \"${coalesce(var.role_permissions_boundary_arn, "null")}\")."
  }
}

variable "manage_account_setting" {
  description = "Whether this module owns the region-wide API Gateway account setting (aws_api_gateway_account) that points at the role. It is a singleton per account and region: exactly one configuration should own it."
  type        = bool
  nullable    = false
  default     = true
}

variable "tags" {
  description = "Tags for every resource this module creates."
  type        = map(string)
  nullable    = false
  default     = {}
}

variable "role_tags" {
  description = "Extra tags for the IAM role."
  type        = map(string)
  nullable    = false
  default     = {}
}
