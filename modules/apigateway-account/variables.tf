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

  validation {
    condition     = var.cloudwatch_role_arn == null ? var.create_cloudwatch_role || !var.create_account_setting : !var.create_cloudwatch_role && can(regex(local.contract.patterns.iam_role_arn, var.cloudwatch_role_arn))
    error_message = "cloudwatch_role_arn must be an IAM role ARN like arn:aws:iam::123456789012:role/service-role/apigateway-cloudwatch when create_cloudwatch_role is false and create_account_setting is true, and null when create_cloudwatch_role is true (got ${jsonencode(var.cloudwatch_role_arn)})."
  }
}

variable "cloudwatch_role_name" {
  description = "Name of the role to create. Defaults to apigateway-cloudwatch-<region>: the account setting is per region, IAM names are global."
  type        = string
  default     = null

  validation {
    condition     = var.cloudwatch_role_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.cloudwatch_role_name))
    error_message = "cloudwatch_role_name must be 1-64 characters of letters, digits and +=,.@_- (got ${jsonencode(var.cloudwatch_role_name)})."
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

variable "cloudwatch_role_tags" {
  description = "Extra tags for the CloudWatch role."
  type        = map(string)
  nullable    = false
  default     = {}
}
