data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  function_name = "${var.name}-accesslog-notifier"
  package_path  = coalesce(var.package_path, "${path.module}/../../source_code/dist/notifier.zip")

  # The run's window is one schedule interval long, so the function must know the rate in seconds.
  rate_parts       = regex("^rate\\(([0-9]+) (minute|hour|day)s?\\)$", var.schedule_expression)
  interval_seconds = tonumber(local.rate_parts[0]) * { minute = 60, hour = 3600, day = 86400 }[local.rate_parts[1]]

  # Whether a URL was given is not secret; the URL is.
  create_parameter       = nonsensitive(var.slack_webhook_url != null)
  webhook_parameter_name = local.create_parameter ? "/${var.name}/accesslog-notifier/slack-webhook-url" : var.webhook_parameter_name
  # SSM parameter ARNs have no slash between "parameter" and a name that starts with one.
  webhook_parameter_arn = "arn:${data.aws_partition.current.partition}:ssm:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:parameter/${trimprefix(coalesce(local.webhook_parameter_name, "-"), "/")}"

  watched_log_group_arns = [
    for name in var.log_group_names :
    "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:log-group:${name}"
  ]
}

################################################################################
# The webhook URL, as a SecureString: never in the function's environment
################################################################################

resource "aws_ssm_parameter" "webhook" {
  count = local.create_parameter ? 1 : 0

  name        = local.webhook_parameter_name
  description = "Slack incoming webhook the ${local.function_name} function posts to."
  type        = "SecureString"
  key_id      = var.webhook_parameter_kms_key_arn
  value       = var.slack_webhook_url

  tags = var.tags
}

################################################################################
# Permissions: query the watched log groups, read the one parameter, write own logs
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
  name               = "${var.name}-notifier-${data.aws_region.current.id}"
  description        = "Runs ${local.function_name}: Logs Insights on the access logs, the webhook parameter, its own logs."
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json

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
    sid = "ReadAndStopOwnQueries"
    # These actions take a query id and support no resource-level permissions.
    actions   = ["logs:GetQueryResults", "logs:StopQuery"]
    resources = ["*"]
  }

  statement {
    sid       = "ReadWebhookParameter"
    actions   = ["ssm:GetParameter"]
    resources = [local.webhook_parameter_arn]
  }

  dynamic "statement" {
    for_each = var.webhook_parameter_kms_key_arn == null ? [] : [var.webhook_parameter_kms_key_arn]

    content {
      sid       = "DecryptWebhookParameter"
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
        values   = [local.webhook_parameter_arn]
      }
    }
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "query-access-logs-and-notify"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

################################################################################
# The function, its log group (created first, with a retention) and its schedule
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_in_days

  tags = var.tags
}

resource "aws_lambda_function" "this" {
  function_name = local.function_name
  description   = "Reports API Gateway access-log errors (status >= ${var.error_status_threshold}) to Slack, ${var.schedule_expression}."
  role          = aws_iam_role.this.arn
  runtime       = var.runtime
  architectures = [var.architecture]
  handler       = "accesslog_notifier.handler.lambda_handler"
  memory_size   = var.memory_size
  timeout       = var.timeout

  filename         = local.package_path
  source_code_hash = filebase64sha256(local.package_path)

  reserved_concurrent_executions = coalesce(var.reserved_concurrent_executions, -1)

  environment {
    variables = {
      LOG_GROUP_NAMES           = jsonencode(var.log_group_names)
      WEBHOOK_PARAMETER_NAME    = local.webhook_parameter_name
      ERROR_STATUS_THRESHOLD    = tostring(var.error_status_threshold)
      SCHEDULE_INTERVAL_SECONDS = tostring(local.interval_seconds)
      INGESTION_LAG_SECONDS     = tostring(var.ingestion_lag_seconds)
      QUERY_LIMIT               = tostring(var.query_limit)
      SAMPLE_COUNT              = tostring(var.sample_count)
      TOP_N                     = tostring(var.top_n)
      MAX_MESSAGES              = tostring(var.max_messages)
      MESSAGE_TITLE             = var.message_title
      LOG_LEVEL                 = var.log_level
    }
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.log_level
    system_log_level      = "WARN"
  }

  tags = merge(var.tags, var.function_tags)

  lifecycle {
    # Preconditions, not validations, check the webhook URL: a failed validation prints the variable's value, even
    # a sensitive one; a failed precondition does not.
    precondition {
      condition     = (var.slack_webhook_url == null) != (var.webhook_parameter_name == null)
      error_message = "Give exactly one of slack_webhook_url (the module stores it) and webhook_parameter_name (an existing SecureString parameter)."
    }

    precondition {
      condition     = var.slack_webhook_url == null || can(regex("^(https://[^/\\s]+/\\S+|http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]+)?/\\S*)$", var.slack_webhook_url))
      error_message = "slack_webhook_url must be an https:// URL like https://hooks.slack.com/services/T000/B000/XXXX (http:// only to 127.0.0.1, localhost or [::1], for local tests). Its value is not shown: it is secret."
    }
  }

  # The role's policy must exist before the first scheduled run.
  depends_on = [aws_iam_role_policy.this]
}

resource "aws_lambda_function_event_invoke_config" "this" {
  function_name          = aws_lambda_function.this.function_name
  maximum_retry_attempts = var.maximum_retry_attempts
}

resource "aws_cloudwatch_event_rule" "this" {
  name                = local.function_name
  description         = "Runs ${local.function_name} ${var.schedule_expression}."
  schedule_expression = var.schedule_expression

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  rule = aws_cloudwatch_event_rule.this.name
  arn  = aws_lambda_function.this.arn
}

# Without this, EventBridge's invocations are refused and the rule silently never runs the function.
resource "aws_lambda_permission" "events" {
  statement_id  = "AllowEventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this.arn
}

# A notifier that fails (query errors, incomplete totals, Slack refusing the webhook) raises, so Lambda counts an
# error; after its retries the run is dropped. This alarm is how a team hears that its alerting is broken.
resource "aws_cloudwatch_metric_alarm" "failures" {
  count = var.enable_failure_alarm ? 1 : 0

  alarm_name        = "${local.function_name}-failures"
  alarm_description = "${local.function_name} failed: some scheduled window may not have been reported to Slack. See its log group ${aws_cloudwatch_log_group.this.name}."

  namespace   = "AWS/Lambda"
  metric_name = "Errors"
  dimensions = {
    FunctionName = aws_lambda_function.this.function_name
  }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"

  alarm_actions = [var.failure_alarm_sns_topic_arn]
  ok_actions    = [var.failure_alarm_sns_topic_arn]

  tags = var.tags
}
