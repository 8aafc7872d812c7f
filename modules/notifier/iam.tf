################################################################################
# Permissions: query the watched log groups, read the one Slack secret, keep state, write own logs
################################################################################

data "aws_iam_policy_document" "lambda_assume_role" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  # IAM names are global: the region keeps the same configuration applicable in several regions.
  name                 = "${var.name}-notifier-${data.aws_region.current.id}"
  path                 = var.iam_role_path
  description          = "Runs ${local.function_name}: Logs Insights on the access logs, the Slack secret's parameter, the state table, its own logs."
  assume_role_policy   = data.aws_iam_policy_document.lambda_assume_role.json
  permissions_boundary = var.iam_role_permissions_boundary_arn

  tags = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid     = "QueryWatchedLogGroups"
    actions = ["logs:StartQuery"]
    # StartQuery is authorised on the log group ARN; the :* form is what some tools and older policies use.
    resources = flatten([for arn in local.watched_log_group_arns : [arn, "${arn}:*"]])
  }

  statement {
    #checkov:skip=CKV_AWS_356:GetQueryResults and StopQuery take a query id and support no resource-level permissions (Service Authorization Reference, Amazon CloudWatch Logs); StartQuery, which chooses the log groups, is scoped to them above.
    sid       = "ReadAndStopOwnQueries"
    actions   = ["logs:GetQueryResults", "logs:StopQuery"]
    resources = ["*"]
  }

  statement {
    # When StartQuery refuses a window (a log group created after it, or past its retention), the function asks each
    # group's creation time and retention rather than trusting the refusal's wording. DescribeLogGroups is granted
    # on the log-group:* pattern, as the CloudWatch Logs User Guide asks ("Logs sent to CloudWatch Logs": set the
    # Resource of logs:DescribeLogGroups to a * wildcard, not a single log group).
    sid       = "DescribeLogGroupsOfRefusedRanges"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:log-group:*"]
  }

  statement {
    # The delivery's one secret: the webhook URL's parameter, or the bot token's; never both.
    sid       = "Read${local.delivery_secret.sid}Parameter"
    actions   = ["ssm:GetParameter"]
    resources = [local.delivery_secret.arn]
  }

  dynamic "statement" {
    for_each = local.delivery_secret.kms_key_arn != null ? [local.delivery_secret.kms_key_arn] : []

    content {
      sid       = "Decrypt${local.delivery_secret.sid}Parameter"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]

      # Only for SSM, and only to decrypt this parameter.
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["ssm.${data.aws_region.current.id}.amazonaws.com"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:PARAMETER_ARN"
        values   = [local.delivery_secret.arn]
      }
    }
  }

  dynamic "statement" {
    # Item reads and conditional writes on the one table. TransactWriteItems has no IAM action of its own: each
    # item in it is authorised as the action it performs (Put as PutItem, Update as UpdateItem, Delete as
    # DeleteItem, ConditionCheck as ConditionCheckItem: DynamoDB Developer Guide, "Using IAM with DynamoDB
    # transactions"). No Query, Scan or table-level action: the function reads items by their full key.
    for_each = local.has_state_table ? [local.state_table_arn] : []

    content {
      sid       = "ReadAndWriteStateTable"
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    # A table under a customer managed key is read and written with the caller's use of that key: DynamoDB decrypts
    # the table key on the caller's behalf and caches it for a few minutes (DynamoDB Developer Guide, "Encryption
    # at rest: How it works"). AWS does not say which KMS action each item operation needs, so the function gets
    # the actions AWS's key-policy examples for DynamoDB give the principals that use a table, whichever a call
    # needs, without kms:CreateGrant (creating or changing the table needs it, not using it); and only through
    # DynamoDB, in this region.
    for_each = local.has_state_table && var.state_table_kms_key_arn != null ? [var.state_table_kms_key_arn] : []

    content {
      sid       = "UseStateTableKeyThroughDynamoDB"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:DescribeKey"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["dynamodb.${data.aws_region.current.id}.amazonaws.com"]
      }
    }
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  dynamic "statement" {
    # Lambda sends a failed run's record to the on-failure destination with the function's own role.
    for_each = var.create_notifier_failure_queue ? [1] : []

    content {
      sid       = "SendFailedRunsToTheQueue"
      actions   = ["sqs:SendMessage"]
      resources = [one(aws_sqs_queue.failures[*].arn)]
    }
  }

  dynamic "statement" {
    for_each = var.notifier_kms_key_arn == null ? [] : [1]

    content {
      sid       = "DecryptOwnEnvironment"
      actions   = ["kms:Decrypt"]
      resources = [var.notifier_kms_key_arn]
    }
  }

  dynamic "statement" {
    for_each = var.create_notifier_failure_queue && var.notifier_failure_queue_kms_key_arn != null ? [1] : []

    content {
      sid       = "EncryptForTheQueue"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [var.notifier_failure_queue_kms_key_arn]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "query-access-logs-and-notify"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

# In a VPC, Lambda creates network interfaces with the function's role; X-Ray needs its role to send segments.
resource "aws_iam_role_policy_attachment" "vpc_access" {
  count = length(var.notifier_subnet_ids) > 0 ? 1 : 0

  role       = aws_iam_role.this.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_iam_role_policy_attachment" "xray" {
  count = var.enable_notifier_tracing ? 1 : 0

  role       = aws_iam_role.this.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"
}
