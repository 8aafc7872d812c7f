################################################################################
# The function and its log group (created first, with a retention)
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
  #checkov:skip=CKV_AWS_173:The environment holds settings only (the webhook URL or bot token is in an SSM SecureString) and Lambda encrypts it at rest with an AWS managed key; notifier_kms_key_arn uses your key instead.
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

  # The role's policies, the secret and the table must exist before the first scheduled run (the environment names
  # the parameter and the table without referring to them).
  depends_on = [
    aws_iam_role_policy.this, aws_iam_role_policy_attachment.vpc_access, aws_iam_role_policy_attachment.xray,
    aws_ssm_parameter.webhook, aws_ssm_parameter.bot_token, aws_dynamodb_table.this,
  ]
}
