data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  # Formats shared by every module (ARNs, paths, retention days) are declared once, beside the notifier's settings.
  contract = jsondecode(file("${path.module}/../../contract/contract.json"))
  # The name API Gateway itself writes execution logs to; it cannot be changed.
  execution_log_group_name = "API-Gateway-Execution-Logs_${var.rest_api_id}/${var.stage_name}"
}

resource "aws_cloudwatch_log_group" "execution" {
  #checkov:skip=CKV_AWS_338:Retention is an input (execution_log_retention_in_days, any CloudWatch value or never); INFO execution logs are large and for debugging, so the default is 30 days. Set 365 or more where a policy requires it.
  count = var.create_execution_log_group ? 1 : 0

  name              = local.execution_log_group_name
  retention_in_days = var.execution_log_retention_in_days
  kms_key_id        = var.execution_log_kms_key_arn

  tags = merge(var.tags, var.execution_log_group_tags)
}

# Needs the account-level CloudWatch role first: API Gateway answers "CloudWatch Logs role ARN must be set in
# account settings to enable logging" otherwise. Give this module depends_on on whatever manages that setting
# (the root module does).
resource "aws_api_gateway_method_settings" "this" {
  #checkov:skip=CKV_AWS_225:Caching changes what clients receive and is billed per hour of cache; this module configures logging and metrics and leaves caching to the stage's owner, who can set it on the stage.
  rest_api_id = var.rest_api_id
  stage_name  = var.stage_name
  method_path = var.method_path

  settings {
    logging_level      = var.logging_level
    data_trace_enabled = var.data_trace_enabled
    metrics_enabled    = var.metrics_enabled
    # -1 is API Gateway's "not set": the stage inherits the account's throttling.
    throttling_burst_limit = coalesce(var.throttling_burst_limit, -1)
    throttling_rate_limit  = coalesce(var.throttling_rate_limit, -1)
  }

  # Create the log group (with its retention) before API Gateway starts writing and creates it without one.
  depends_on = [aws_cloudwatch_log_group.execution]
}

# What a KMS key's policy must say before the execution log group can be encrypted with it: the Logs service principal may use
# the key, for this log group only (the encryption context carries the log group's ARN). CloudWatch Logs User
# Guide, "Encrypt log data in CloudWatch Logs using AWS Key Management Service", step 2.
data "aws_iam_policy_document" "kms_key_policy" {
  #checkov:skip=CKV_AWS_111:This is a KMS key policy for the caller to merge, not an identity policy: in a key policy "*" is the key itself (AWS KMS Developer Guide, "Key policies"), and the statement is limited to one service principal.
  #checkov:skip=CKV_AWS_356:This is a KMS key policy for the caller to merge, not an identity policy: in a key policy "*" is the key itself (AWS KMS Developer Guide, "Key policies"), and the statement is limited to one service principal.
  statement {
    sid = "CloudWatchLogsUseKeyForExecutionLogGroup"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${data.aws_region.current.id}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:log-group:${local.execution_log_group_name}"]
    }
  }
}
