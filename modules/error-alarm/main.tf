data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  # What counts as an error is declared once, with the notifier's settings, so both methods agree.
  contract           = jsondecode(file("${path.module}/../../source_code/notifier/accesslog_notifier/settings.json"))
  threshold          = local.contract.settings.error_status_threshold
  metric_name_prefix = coalesce(var.metric_name_prefix, var.name)

  # One definition of "error" for both methods: error_status_threshold, split into the 4xx and 5xx classes.
  # Status is a JSON number in the access log, so these numeric comparisons match (a quoted "404" would not).
  status_classes = {
    "4xx" = {
      enabled   = var.create_4xx_alarm
      lowest    = max(var.error_status_threshold, 400)
      pattern   = "{ $.status >= ${max(var.error_status_threshold, 400)} && $.status <= 499 }"
      threshold = var.alarm_4xx_threshold
      meaning   = "client errors"
    }
    "5xx" = {
      enabled   = var.create_5xx_alarm
      lowest    = max(var.error_status_threshold, 500)
      pattern   = "{ $.status >= ${max(var.error_status_threshold, 500)} }"
      threshold = var.alarm_5xx_threshold
      meaning   = "server errors"
    }
  }
  enabled_classes = { for class, spec in local.status_classes : class => spec if spec.enabled }

  sns_topic_arn = var.create_sns_topic ? one(aws_sns_topic.this[*].arn) : var.sns_topic_arn

  chatbot_guardrail_policy_arns = coalesce(
    var.chatbot_guardrail_policy_arns,
    ["arn:${data.aws_partition.current.partition}:iam::aws:policy/CloudWatchReadOnlyAccess"],
  )
}

resource "aws_cloudwatch_log_metric_filter" "this" {
  for_each = local.enabled_classes

  name           = "${var.name}-${each.key}"
  log_group_name = var.access_log_group_name
  pattern        = each.value.pattern

  metric_transformation {
    name      = "${local.metric_name_prefix}-${each.key}"
    namespace = var.metric_namespace
    # Each matching line counts 1. No default value: a minute without errors sends no data point, which
    # treat_missing_data = notBreaching reads as OK (and keeps the custom metric from costing per line).
    value = "1"
    unit  = "Count"
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.enabled_classes

  alarm_name        = "${var.name}-${each.key}"
  alarm_description = "${each.value.threshold} or more ${each.value.meaning} (status >= ${each.value.lowest}) in ${var.alarm_period} s in access log ${var.access_log_group_name}."

  namespace           = var.metric_namespace
  metric_name         = aws_cloudwatch_log_metric_filter.this[each.key].metric_transformation[0].name
  statistic           = "Sum"
  period              = var.alarm_period
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_datapoints_to_alarm
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = var.alarm_treat_missing_data

  alarm_actions = [local.sns_topic_arn]
  ok_actions    = var.enable_ok_actions ? [local.sns_topic_arn] : []

  tags = merge(var.tags, var.alarm_tags)
}

resource "aws_sns_topic" "this" {
  count = var.create_sns_topic ? 1 : 0

  name              = coalesce(var.sns_topic_name, "${var.name}-api-errors")
  kms_master_key_id = var.sns_topic_kms_key_arn

  tags = merge(var.tags, var.sns_topic_tags)
}

# Setting a topic policy replaces SNS's default one, so the owner statement restores what the account had, except
# Publish: within the account, publishing still works through IAM policies, and through this resource policy only
# these alarms can publish.
data "aws_iam_policy_document" "sns_topic" {
  count = var.create_sns_topic ? 1 : 0

  statement {
    sid = "AccountOwnerManagesTopic"
    actions = [
      "SNS:GetTopicAttributes",
      "SNS:SetTopicAttributes",
      "SNS:AddPermission",
      "SNS:RemovePermission",
      "SNS:DeleteTopic",
      "SNS:Subscribe",
      "SNS:ListSubscriptionsByTopic",
    ]
    resources = [one(aws_sns_topic.this[*].arn)]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceOwner"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }

  dynamic "statement" {
    # Only these alarms may publish: aws:SourceArn stops any other account's alarm (confused deputy).
    for_each = length(aws_cloudwatch_metric_alarm.this) > 0 ? [1] : []

    content {
      sid       = "CloudWatchAlarmsPublish"
      actions   = ["SNS:Publish"]
      resources = [one(aws_sns_topic.this[*].arn)]

      principals {
        type        = "Service"
        identifiers = ["cloudwatch.amazonaws.com"]
      }

      condition {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = [for alarm in aws_cloudwatch_metric_alarm.this : alarm.arn]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [data.aws_caller_identity.current.account_id]
      }
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  count = var.create_sns_topic ? 1 : 0

  arn    = one(aws_sns_topic.this[*].arn)
  policy = one(data.aws_iam_policy_document.sns_topic[*].json)
}

data "aws_iam_policy_document" "chatbot_assume_role" {
  count = var.create_chatbot_channel ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["chatbot.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "chatbot" {
  count = var.create_chatbot_channel ? 1 : 0

  # IAM and Chatbot names are account-wide: the region keeps the module applicable in several regions.
  name                 = "${var.name}-chatbot-${data.aws_region.current.id}"
  path                 = var.iam_role_path
  description          = "Channel role of the ${var.name} Chatbot configuration: read alarm details to render notifications."
  assume_role_policy   = one(data.aws_iam_policy_document.chatbot_assume_role[*].json)
  permissions_boundary = var.iam_role_permissions_boundary_arn

  tags = merge(var.tags, var.chatbot_tags)
}

# Chatbot only reads the alarm to draw its notification; the guardrail below caps the channel further.
data "aws_iam_policy_document" "chatbot_notifications" {
  count = var.create_chatbot_channel ? 1 : 0

  statement {
    sid       = "ReadAlarmsForNotifications"
    actions   = ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "chatbot_notifications" {
  count = var.create_chatbot_channel ? 1 : 0

  name   = "notifications-only"
  role   = one(aws_iam_role.chatbot[*].id)
  policy = one(data.aws_iam_policy_document.chatbot_notifications[*].json)
}

resource "aws_chatbot_slack_channel_configuration" "this" {
  count = var.create_chatbot_channel ? 1 : 0

  configuration_name    = "${var.name}-api-errors-${data.aws_region.current.id}"
  iam_role_arn          = one(aws_iam_role.chatbot[*].arn)
  slack_team_id         = var.chatbot_slack_team_id
  slack_channel_id      = var.chatbot_slack_channel_id
  sns_topic_arns        = [local.sns_topic_arn]
  guardrail_policy_arns = local.chatbot_guardrail_policy_arns
  logging_level         = var.chatbot_logging_level

  tags = merge(var.tags, var.chatbot_tags)
}
