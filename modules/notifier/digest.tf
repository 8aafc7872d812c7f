################################################################################
# The alarm digest: the function also reads the alarm topic
################################################################################

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
