data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  function_name = "${var.name}-accesslog-notifier"
  package_path  = coalesce(var.notifier_package_path, "${path.module}/../../source_code/dist/notifier.zip")

  # The function's settings are declared once, in the package's settings.json: the function checks its environment
  # against it, and this module validates its inputs and renders the environment from it.
  contract = jsondecode(file("${path.module}/../../source_code/notifier/accesslog_notifier/settings.json"))
  # Every spec with every attribute (null where it has none), so conditions can test any of them.
  specs = {
    for key, spec in local.contract.settings : key => merge({
      minimum   = null, maximum = null, allowed = null, min_length = null, max_length = null, pattern = null,
      min_items = null, max_items = null, item_pattern = null, default = null,
    }, spec)
  }
  tunables = { for key, spec in local.specs : key => spec if spec.source == "settings" }
  # A rule in words, as the function words it (config.describe_rule).
  rules = {
    for key, spec in local.specs : key => (
      spec.allowed != null ? "one of ${join(", ", spec.allowed)}" :
      spec.type == "integer" ? "a whole number from ${spec.minimum} to ${spec.maximum}" :
      spec.type == "string" && spec.pattern != null ? "a string of ${spec.min_length} to ${spec.max_length} characters matching ${local.contract.patterns[coalesce(spec.pattern, "-")]}" :
      spec.type == "string" ? "a string of ${spec.min_length} to ${spec.max_length} characters" :
      "a JSON array of ${spec.min_items} to ${spec.max_items} strings matching ${local.contract.patterns[coalesce(spec.item_pattern, "-")]}"
    )
  }
  settings = { for key, spec in local.tunables : key => try(var.notifier_settings[key], spec.default) }

  # A cron expression on whole multiples of the interval: the scheduled minute of every run is then known.
  interval = var.notifier_schedule_interval_minutes
  schedule_expression = (
    local.interval == 1 ? "cron(* * * * ? *)" :
    local.interval < 60 ? "cron(0/${local.interval} * * * ? *)" :
    local.interval < 1440 ? "cron(0 0/${local.interval / 60} * * ? *)" :
    "cron(0 0 * * ? *)"
  )

  webhook_parameter_name = var.create_webhook_parameter ? "/${var.name}/accesslog-notifier/slack-webhook-url" : var.webhook_parameter_name
  # SSM parameter ARNs have no slash between "parameter" and a name that starts with one.
  webhook_parameter_arn = "arn:${data.aws_partition.current.partition}:ssm:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:parameter/${trimprefix(local.webhook_parameter_name, "/")}"

  environment = merge(
    { for key, value in local.settings : local.specs[key].env => tostring(value) },
    {
      (local.specs.log_group_names.env)           = jsonencode(var.log_group_names)
      (local.specs.webhook_parameter_name.env)    = local.webhook_parameter_name
      (local.specs.error_status_threshold.env)    = tostring(var.error_status_threshold)
      (local.specs.schedule_interval_minutes.env) = tostring(var.notifier_schedule_interval_minutes)
    },
  )

  watched_log_group_arns = [
    for name in var.log_group_names :
    "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:log-group:${name}"
  ]
}

################################################################################
# The webhook URL, as a SecureString: never in the function's environment
################################################################################

resource "aws_ssm_parameter" "webhook" {
  count = var.create_webhook_parameter ? 1 : 0

  name        = local.webhook_parameter_name
  description = "Slack incoming webhook the ${local.function_name} function posts to."
  type        = "SecureString"
  key_id      = var.webhook_parameter_kms_key_arn
  # Write-only: the URL goes to SSM and never into the plan or the state (Terraform 1.11, provider 5.100).
  value_wo         = var.slack_webhook_url
  value_wo_version = var.slack_webhook_url_version

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
  name                 = "${var.name}-notifier-${data.aws_region.current.id}"
  path                 = var.iam_role_path
  description          = "Runs ${local.function_name}: Logs Insights on the access logs, the webhook parameter, its own logs."
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
  retention_in_days = var.notifier_log_retention_in_days

  tags = var.tags
}

resource "aws_lambda_function" "this" {
  function_name = local.function_name
  description   = "Reports API Gateway access-log errors (status >= ${var.error_status_threshold}) to Slack every ${var.notifier_schedule_interval_minutes} min."
  role          = aws_iam_role.this.arn
  runtime       = var.notifier_runtime
  architectures = [var.notifier_architecture]
  handler       = "accesslog_notifier.handler.lambda_handler"
  memory_size   = var.notifier_memory_size
  timeout       = var.notifier_timeout

  filename         = local.package_path
  source_code_hash = filebase64sha256(local.package_path)

  reserved_concurrent_executions = coalesce(var.notifier_reserved_concurrent_executions, -1)

  environment {
    variables = local.environment
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = local.settings.log_level
    system_log_level      = "WARN"
  }

  tags = merge(var.tags, var.notifier_tags)

  # The role's policy must exist before the first scheduled run.
  depends_on = [aws_iam_role_policy.this]
}

resource "aws_lambda_function_event_invoke_config" "this" {
  function_name          = aws_lambda_function.this.function_name
  maximum_retry_attempts = var.notifier_maximum_retry_attempts
}

resource "aws_cloudwatch_event_rule" "this" {
  name                = local.function_name
  description         = "Runs ${local.function_name} every ${var.notifier_schedule_interval_minutes} min, on whole multiples of it."
  schedule_expression = local.schedule_expression

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
  count = var.create_notifier_failure_alarm ? 1 : 0

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

  alarm_actions = [var.notifier_failure_alarm_sns_topic_arn]
  ok_actions    = [var.notifier_failure_alarm_sns_topic_arn]

  tags = var.tags
}
