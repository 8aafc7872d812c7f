################################################################################
# The schedule: a cron rule on whole multiples of the interval
################################################################################

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
