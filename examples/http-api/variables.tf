variable "region" {
  description = "AWS region to deploy to; null uses the environment (AWS_REGION / AWS_DEFAULT_REGION / profile)."
  type        = string
  default     = null
}

variable "name" {
  description = "Name of the example HTTP API and prefix of everything created."
  type        = string
  default     = "example-http-api"
}

variable "slack_webhook_url" {
  description = "Slack incoming webhook for the notifier (https://hooks.slack.com/services/...). Written to an SSM SecureString; ephemeral, so never in a plan file or the state (give it on every plan and apply, e.g. TF_VAR_slack_webhook_url)."
  type        = string
  ephemeral   = true
  sensitive   = true
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = { Example = "http-api" }
}
