################################################################################
# The webhook URL, as a SecureString: never in the function's environment (slack_delivery = "webhook")
################################################################################

resource "aws_ssm_parameter" "webhook" {
  count = local.create_webhook_parameter ? 1 : 0

  name        = local.webhook_parameter_name
  description = "Slack incoming webhook the ${local.function_name} function posts to."
  type        = "SecureString"
  key_id      = var.webhook_parameter_kms_key_arn
  # Write-only: the URL goes to SSM and never into the plan or the state (Terraform 1.11, provider 5.100).
  value_wo         = var.slack_webhook_url
  value_wo_version = var.slack_webhook_url_version

  tags = var.tags
}
