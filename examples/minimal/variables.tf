variable "region" {
  description = "AWS region to deploy to; null uses the environment (AWS_REGION / AWS_DEFAULT_REGION / profile)."
  type        = string
  default     = null
}

variable "name" {
  description = "Name of the API, the prefix of the alarms and topic."
  type        = string
  default     = "minimal-api"
}

variable "access_log_group_name" {
  description = "Name of the existing access-log group of your stage (JSON lines with a numeric status field)."
  type        = string
}
