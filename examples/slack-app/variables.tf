variable "region" {
  description = "AWS region to deploy to; null uses the environment (AWS_REGION / AWS_DEFAULT_REGION / profile)."
  type        = string
  default     = null
}

variable "name" {
  description = "Name of the example HTTP API and prefix of everything created."
  type        = string
  default     = "example-slack-app"
}

variable "slack_bot_token" {
  description = "The Slack app's Bot User OAuth Token (xoxb-...), from its OAuth & Permissions page. Written to an SSM SecureString; ephemeral, so never in a plan file or the state (give it on every plan, apply and destroy, e.g. TF_VAR_slack_bot_token)."
  type        = string
  ephemeral   = true
  sensitive   = true
}

variable "slack_channel_id" {
  description = "Channel the app posts to, like C07EZ1ABC23: the end of the channel's link (channel name > Copy link). Invite the app's bot to it first (/invite @your-app)."
  type        = string
}

variable "slack_api_url" {
  description = "Base URL of Slack's Web API: https://slack.com/api, or https://slack-gov.com/api for GovSlack."
  type        = string
  default     = "https://slack.com/api"
}

variable "quiet_hours" {
  description = "When nothing is posted (what they held is summarised in one message when they end): days, local times and an IANA time zone."
  type        = list(string)
  default     = ["Mon-Fri 22:00-07:00 Europe/Berlin"]
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = { Example = "slack-app" }
}
