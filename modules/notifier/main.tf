data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  function_name           = "${var.name}-accesslog-notifier"
  notifier_log_group_name = "/aws/lambda/${local.function_name}"
  package_path            = coalesce(var.notifier_package_path, "${path.module}/../../source_code/dist/notifier.zip")

  # The function's settings are declared once, in the contract (contract/contract.json): the function checks its environment
  # against it, and this module validates its inputs and renders the environment from it.
  contract = jsondecode(file("${path.module}/../../contract/contract.json"))
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
      spec.type == "number" ? "a number from ${spec.minimum} to ${spec.maximum}" :
      spec.type == "string" && spec.pattern != null ? "a string of ${spec.min_length} to ${spec.max_length} characters matching ${local.contract.patterns[coalesce(spec.pattern, "-")]}" :
      spec.type == "string" ? "a string of ${spec.min_length} to ${spec.max_length} characters" :
      spec.type == "list(integer)" ? "a JSON array of ${spec.min_items} to ${spec.max_items} whole numbers from ${spec.minimum} to ${spec.maximum}" :
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
    { for key, value in local.settings : local.specs[key].env => startswith(local.specs[key].type, "list") ? jsonencode(value) : tostring(value) },
    {
      (local.specs.log_group_names.env)           = jsonencode(var.log_group_names)
      (local.specs.webhook_parameter_name.env)    = local.webhook_parameter_name
      (local.specs.error_status_threshold.env)    = tostring(var.error_status_threshold)
      (local.specs.schedule_interval_minutes.env) = tostring(var.notifier_schedule_interval_minutes)
      (local.specs.ignore_statuses.env)           = jsonencode(var.ignore_statuses)
      (local.specs.ignore_routes.env)             = jsonencode(var.ignore_routes)
      (local.specs.alarm_names.env)               = jsonencode(var.enable_alarm_digest ? var.alarm_digest_alarm_names : [])
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

################################################################################
# The function, its log group (created first, with a retention) and its schedule
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is an input (notifier_log_retention_in_days, any CloudWatch value or never); the function's own logs are run summaries, so the default is 30 days. Set 365 or more where a policy requires it.
  name              = local.notifier_log_group_name
  retention_in_days = var.notifier_log_retention_in_days
  kms_key_id        = var.notifier_log_kms_key_arn

  tags = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:Failed runs go to an on-failure destination (create_notifier_failure_queue, in aws_lambda_function_event_invoke_config), AWS's successor to a dead-letter queue for asynchronous invocations: the record keeps the error beside the event, and the replay command reads it.
  #checkov:skip=CKV_AWS_117:The function calls only AWS APIs and Slack over HTTPS and holds no network access of its own to protect; notifier_subnet_ids and notifier_security_group_ids put it in your VPC where a policy requires it (which then needs a NAT or endpoints).
  #checkov:skip=CKV_AWS_272:The bundle ships an unsigned, deterministic zip; notifier_code_signing_config_arn enforces code signing where required (sign the zip with AWS Signer and give it as notifier_package_path).
  #checkov:skip=CKV_AWS_173:The environment holds settings only (the webhook URL is in an SSM SecureString) and Lambda encrypts it at rest with an AWS managed key; notifier_kms_key_arn uses your key instead.
  #checkov:skip=CKV_AWS_50:X-Ray tracing bills per trace and a scheduled digest rarely needs it; enable_notifier_tracing turns it on.
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
  kms_key_arn                    = var.notifier_kms_key_arn
  code_signing_config_arn        = var.notifier_code_signing_config_arn

  tracing_config {
    mode = var.enable_notifier_tracing ? "Active" : "PassThrough"
  }

  dynamic "vpc_config" {
    for_each = length(var.notifier_subnet_ids) > 0 ? [1] : []

    content {
      subnet_ids         = var.notifier_subnet_ids
      security_group_ids = var.notifier_security_group_ids
    }
  }

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

  lifecycle {
    # The routes are written into every Logs Insights query (queries.tf): the longest must fit StartQuery's limit.
    # A precondition, not a validation of ignore_routes: the rendered queries read that variable, and a validation
    # may not depend on its own variable through locals.
    precondition {
      condition     = local.longest_query_chars <= local.contract.limits.query_chars
      error_message = "ignore_routes makes the notifier's longest Logs Insights query ${local.longest_query_chars} characters; StartQuery takes at most ${local.contract.limits.query_chars}. Ignore fewer routes, or shorter ones (a \"* /path\" rule names its path ${length(local.contract.route_methods) + 1} times)."
    }

    # Lambda refuses an environment over 4 KB in total at apply time, measured on the variables serialized as JSON
    # (its error quotes that string); a long list of log groups is the way to get there.
    precondition {
      condition     = length(jsonencode(local.environment)) <= 4096
      error_message = "The function's environment would be ${length(jsonencode(local.environment))} bytes; Lambda allows 4096 (4 KB) in total. log_group_names takes ${length(jsonencode(var.log_group_names))} of them: watch fewer log groups per notifier, or shorter names."
    }
  }

  # The role's policies must exist before the first scheduled run.
  depends_on = [aws_iam_role_policy.this, aws_iam_role_policy_attachment.vpc_access, aws_iam_role_policy_attachment.xray]
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

# EventBridge invokes the function asynchronously, so a failed run is retried by Lambda, and after the retries its
# event goes to the on-failure destination: the replay command reads it back (Lambda Developer Guide, "Asynchronous
# invocation" and "Capturing records of asynchronous invocations").
resource "aws_lambda_function_event_invoke_config" "this" {
  function_name          = aws_lambda_function.this.function_name
  maximum_retry_attempts = var.notifier_maximum_retry_attempts

  dynamic "destination_config" {
    for_each = var.create_notifier_failure_queue ? [1] : []

    content {
      on_failure {
        destination = one(aws_sqs_queue.failures[*].arn)
      }
    }
  }

  # The role must be allowed to send to the queue before Lambda accepts it as a destination.
  depends_on = [aws_iam_role_policy.this]
}

resource "aws_sqs_queue" "failures" {
  count = var.create_notifier_failure_queue ? 1 : 0

  name = "${local.function_name}-failures"
  # Kept as long as SQS allows (14 days), so a window that went unreported can still be replayed after a holiday.
  message_retention_seconds         = 1209600
  sqs_managed_sse_enabled           = var.notifier_failure_queue_kms_key_arn == null ? true : null
  kms_master_key_id                 = var.notifier_failure_queue_kms_key_arn
  kms_data_key_reuse_period_seconds = var.notifier_failure_queue_kms_key_arn == null ? null : 3600

  tags = var.tags
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

# The alarm digest: the function reads the alarm topic. Only this topic may invoke it this way (source_arn); the
# function still checks every message and ignores what is not an ALARM of alarm_digest_alarm_names.
resource "aws_sns_topic_subscription" "alarm_digest" {
  count = var.enable_alarm_digest ? 1 : 0

  topic_arn = var.alarm_digest_sns_topic_arn
  protocol  = "lambda"
  endpoint  = aws_lambda_function.this.arn
}

resource "aws_lambda_permission" "alarm_digest" {
  count = var.enable_alarm_digest ? 1 : 0

  statement_id  = "AllowAlarmTopic"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "sns.amazonaws.com"
  source_arn    = var.alarm_digest_sns_topic_arn
}

# A run that could not deliver its digest raises; Lambda retries it, and when the retries are used up the event is
# dropped (sent to the failure queue first, when there is one). AsyncEventsDropped counts exactly those events
# ("events that are dropped without successfully executing the function. If you configure a dead-letter queue or
# OnFailure destination, then events are sent there before they're dropped": Lambda Developer Guide, "Types of
# metrics for Lambda functions"), so it is what "a window went unreported" means. Errors would also count runs that
# a retry then completed.
resource "aws_cloudwatch_metric_alarm" "unreported" {
  count = var.create_notifier_failure_alarm ? 1 : 0

  alarm_name        = "${local.function_name}-unreported"
  alarm_description = "${local.function_name} gave up on a window after its retries: those errors were not reported to Slack.${var.create_notifier_failure_queue ? " The window waits in ${one(aws_sqs_queue.failures[*].name)} for replay." : ""} See its log group ${aws_cloudwatch_log_group.this.name}."

  namespace   = "AWS/Lambda"
  metric_name = "AsyncEventsDropped"
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

# With a failure queue, a window stays unreported until someone replays it: this alarm stays in ALARM until then.
resource "aws_cloudwatch_metric_alarm" "awaiting_replay" {
  count = var.create_notifier_failure_alarm && var.create_notifier_failure_queue ? 1 : 0

  alarm_name        = "${local.function_name}-awaiting-replay"
  alarm_description = "Windows ${local.function_name} could not report wait in ${one(aws_sqs_queue.failures[*].name)}: replay them (python -m accesslog_notifier replay, see the module README)."

  namespace   = "AWS/SQS"
  metric_name = "ApproximateNumberOfMessagesVisible"
  dimensions = {
    QueueName = one(aws_sqs_queue.failures[*].name)
  }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"

  alarm_actions = [var.notifier_failure_alarm_sns_topic_arn]
  ok_actions    = [var.notifier_failure_alarm_sns_topic_arn]

  tags = var.tags
}

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
