################################################################################
# A window that went unreported: retries, the failure queue, the alarms that say so
################################################################################

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
