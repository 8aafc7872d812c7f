data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  # Log group names follow one rule, declared with the notifier's settings (which reads these groups).
  contract       = jsondecode(file("${path.module}/../../contract/contract.json"))
  log_group_name = coalesce(var.access_log_group_name, "/aws/apigateway/${var.name}-accesslog")

  # The access-log format is declared in the contract (access_log.fields), which the error alarm's filters and the
  # notifier's queries and parsers read too: each field's JSON name, $context variable, JSON type and the API types
  # that have it. Every field is a JSON string except `status`, a JSON number: CloudWatch metric filters compare
  # numbers only ({ $.status >= 400 } never matches "404"). REST and HTTP APIs have different $context variables
  # (API Gateway Developer Guide, "Customizing HTTP API access logs").
  contract_fields = {
    for role, field in local.contract.access_log.fields : field.name => field
    if contains(field.api_types, var.api_type)
  }
  string_fields = merge(
    { for name, field in local.contract_fields : name => field.variable if field.type == "string" },
    var.access_log_additional_fields,
  )
  numeric_fields = { for name, field in local.contract_fields : name => field.variable if field.type == "number" }

  # Hand-built rather than jsonencode(): jsonencode would quote the numeric fields.
  access_log_format = format("{%s}", join(",", concat(
    [for field in sort(keys(local.string_fields)) : format("\"%s\":\"%s\"", field, local.string_fields[field])],
    [for field in sort(keys(local.numeric_fields)) : format("\"%s\":%s", field, local.numeric_fields[field])],
  )))
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is an input (access_log_retention_in_days, any CloudWatch value or never); 90 days by default keeps the log that finds errors affordable at high request rates. Set 365 or more where a policy requires it.
  count = var.create_access_log_group ? 1 : 0

  name              = local.log_group_name
  retention_in_days = var.access_log_retention_in_days
  kms_key_id        = var.access_log_kms_key_arn

  tags = merge(var.tags, var.access_log_group_tags)
}

# What a KMS key's policy must say before the access-log group can be encrypted with it: the Logs service principal may use
# the key, for this log group only (the encryption context carries the log group's ARN). CloudWatch Logs User
# Guide, "Encrypt log data in CloudWatch Logs using AWS Key Management Service", step 2.
data "aws_iam_policy_document" "kms_key_policy" {
  #checkov:skip=CKV_AWS_111:This is a KMS key policy for the caller to merge, not an identity policy: in a key policy "*" is the key itself (AWS KMS Developer Guide, "Key policies"), and the statement is limited to one service principal.
  #checkov:skip=CKV_AWS_356:This is a KMS key policy for the caller to merge, not an identity policy: in a key policy "*" is the key itself (AWS KMS Developer Guide, "Key policies"), and the statement is limited to one service principal.
  statement {
    sid = "CloudWatchLogsUseKeyForAccessLogGroup"
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
      values   = ["arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:log-group:${local.log_group_name}"]
    }
  }
}
