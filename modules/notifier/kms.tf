################################################################################
# KMS: what a key's policy must say for the function's log group
################################################################################

# What a KMS key's policy must say before the notifier's own log group can be encrypted with it: the Logs service principal may use
# the key, for this log group only (the encryption context carries the log group's ARN). CloudWatch Logs User
# Guide, "Encrypt log data in CloudWatch Logs using AWS Key Management Service", step 2.
data "aws_iam_policy_document" "kms_key_policy" {
  #checkov:skip=CKV_AWS_111:This is a KMS key policy for the caller to merge, not an identity policy: in a key policy "*" is the key itself (AWS KMS Developer Guide, "Key policies"), and the statement is limited to one service principal.
  #checkov:skip=CKV_AWS_356:This is a KMS key policy for the caller to merge, not an identity policy: in a key policy "*" is the key itself (AWS KMS Developer Guide, "Key policies"), and the statement is limited to one service principal.
  statement {
    sid = "CloudWatchLogsUseKeyForNotifierLogGroup"
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
      values   = ["arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:log-group:${local.notifier_log_group_name}"]
    }
  }
}
