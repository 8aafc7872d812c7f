################################################################################
# The Slack app's bot token, as a SecureString: never in the function's environment (slack_delivery = "app")
################################################################################

resource "aws_ssm_parameter" "bot_token" {
  count = local.create_bot_token_parameter ? 1 : 0

  name        = local.bot_token_parameter_name
  description = "Bot token of the Slack app the ${local.function_name} function posts with."
  type        = "SecureString"
  key_id      = var.bot_token_parameter_kms_key_arn
  # Write-only, as the webhook URL: the token goes to SSM and never into the plan or the state.
  value_wo         = var.slack_bot_token
  value_wo_version = var.slack_bot_token_version

  tags = var.tags
}
