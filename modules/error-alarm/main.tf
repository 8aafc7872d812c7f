data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  # What counts as an error is declared once, with the notifier's settings, so both methods agree.
  contract           = jsondecode(file("${path.module}/../../contract/contract.json"))
  threshold          = local.contract.settings.error_status_threshold
  metric_name_prefix = coalesce(var.metric_name_prefix, var.name)

  # One definition of "error" for both methods: error_status_threshold, less the ignored statuses and routes,
  # split into the 4xx and 5xx classes. Status is a JSON number in the access log, so these numeric comparisons
  # match (a quoted "404" would not). Filter pattern syntax: CloudWatch Logs User Guide, "Filter pattern syntax
  # for metric filters, subscription filters, and filter log events", JSON log events (&&, ||, parentheses,
  # numeric and string comparisons).
  # The methods an HTTP API route key can start with: the contract's one list, which the notifier's queries use too.
  route_methods = local.contract.route_methods
  # The access-log fields the patterns select, by role, as the contract names them (and the format writes them).
  field = { for role, field in local.contract.access_log.fields : role => field.name }
  route_exclusions = [
    for route in var.ignore_routes : (
      var.api_type == "HTTP" ? join(" && ", [
        # An HTTP API line names its route key; "* /path" stands for every method's route on that path.
        for key in(startswith(route, "* ") ? [for method in local.route_methods : "${method} ${trimprefix(route, "* ")}"] : [route]) :
        "$.${local.field.route_key} != \"${key}\""
      ]) :
      # A REST line has the method and the resource path; "* /path" is the path with any method.
      startswith(route, "* ") ? "$.${local.field.resource_path} != \"${trimprefix(route, "* ")}\"" :
      "($.${local.field.method} != \"${split(" ", route)[0]}\" || $.${local.field.resource_path} != \"${join(" ", slice(split(" ", route), 1, length(split(" ", route))))}\")"
    ) if !(var.api_type == "REST" && route == "$default")
  ]
  exclusions = concat([for status in var.ignore_statuses : "$.${local.field.status} != ${status}"], local.route_exclusions)
  status_classes = {
    "4xx" = {
      enabled   = var.create_4xx_alarm
      lowest    = max(var.error_status_threshold, 400)
      pattern   = "{ ${join(" && ", concat(["$.${local.field.status} >= ${max(var.error_status_threshold, 400)}", "$.${local.field.status} <= 499"], local.exclusions))} }"
      threshold = var.alarm_4xx_threshold
      meaning   = "client errors"
    }
    "5xx" = {
      enabled   = var.create_5xx_alarm
      lowest    = max(var.error_status_threshold, 500)
      pattern   = "{ ${join(" && ", concat(["$.${local.field.status} >= ${max(var.error_status_threshold, 500)}"], local.exclusions))} }"
      threshold = var.alarm_5xx_threshold
      meaning   = "server errors"
    }
  }
  enabled_classes = { for class, spec in local.status_classes : class => spec if spec.enabled }

  # The optional rate alarms read API Gateway's own per-stage metrics: REST APIs publish 4XXError/5XXError by
  # ApiName and Stage, and document their Average as the error rate ("the total count of the 4XXError errors
  # divided by the total number of requests during the period": API Gateway Developer Guide, "Amazon API Gateway
  # dimensions and metrics"). HTTP APIs publish 4xx/5xx and Count by ApiId and Stage ("Monitor CloudWatch metrics
  # for HTTP APIs") and document no such Average, so their rate is metric math over documented sums: errors / Count.
  # They count every 4xx/5xx: ignore_statuses and ignore_routes cannot apply to them.
  # "API Gateway removes non-ASCII characters from the ApiName dimension before sending metrics" (same page): the
  # alarm must look for the name as published.
  rest_api_metric_name = var.rest_api_name == null ? null : replace(var.rest_api_name, "/[^\\x00-\\x7F]/", "")
  rate_dimensions      = var.api_type == "HTTP" ? { ApiId = var.http_api_id, Stage = var.stage_name } : { ApiName = local.rest_api_metric_name, Stage = var.stage_name }
  rate_classes = {
    "4xx" = { metric = var.api_type == "HTTP" ? "4xx" : "4XXError", percent = var.alarm_4xx_rate_threshold_percent, enabled = var.create_4xx_alarm }
    "5xx" = { metric = var.api_type == "HTTP" ? "5xx" : "5XXError", percent = var.alarm_5xx_rate_threshold_percent, enabled = var.create_5xx_alarm }
  }
  enabled_rate_classes = { for class, spec in local.rate_classes : class => spec if spec.enabled && var.create_error_rate_alarms }

  sns_topic_arn = var.create_sns_topic ? one(aws_sns_topic.this[*].arn) : var.sns_topic_arn
  # The alarms allowed to publish: this module's, and those the caller wires to the topic too.
  publisher_alarm_arns = distinct(concat(
    [for alarm in aws_cloudwatch_metric_alarm.this : alarm.arn],
    [for alarm in aws_cloudwatch_metric_alarm.rate : alarm.arn],
    var.sns_topic_publisher_alarm_arns,
  ))

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

  lifecycle {
    precondition {
      # CloudWatch Logs refuses filter patterns over 1024 characters (PutMetricFilter).
      condition     = length(each.value.pattern) <= 1024
      error_message = "The ${each.key} filter pattern would be ${length(each.value.pattern)} characters; CloudWatch allows 1024. Ignore fewer statuses or routes (each \"* /path\" of an HTTP API costs eight conditions)."
    }
  }

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

resource "aws_cloudwatch_metric_alarm" "rate" {
  for_each = local.enabled_rate_classes

  alarm_name        = "${var.name}-${each.key}-rate"
  alarm_description = "${each.value.percent} % or more of the requests of stage ${var.stage_name} answered ${each.key} in ${var.alarm_period} s (API Gateway's ${each.value.metric} metric${var.api_type == "HTTP" ? " over Count" : ""}, every status of the class)."

  # REST: the documented Average of 4XXError/5XXError.
  namespace   = var.api_type == "REST" ? "AWS/ApiGateway" : null
  metric_name = var.api_type == "REST" ? each.value.metric : null
  dimensions  = var.api_type == "REST" ? local.rate_dimensions : null
  statistic   = var.api_type == "REST" ? "Average" : null
  period      = var.api_type == "REST" ? var.alarm_period : null

  # HTTP: errors / requests from the sums. A period without requests has no Count data point, so no rate: the
  # expression gives no value and treat_missing_data applies; one with requests and no error data point is 0 %.
  dynamic "metric_query" {
    for_each = var.api_type == "HTTP" ? {
      errors   = each.value.metric
      requests = "Count"
    } : {}

    content {
      id          = metric_query.key
      return_data = false

      metric {
        namespace   = "AWS/ApiGateway"
        metric_name = metric_query.value
        dimensions  = local.rate_dimensions
        stat        = "Sum"
        period      = var.alarm_period
      }
    }
  }

  dynamic "metric_query" {
    for_each = var.api_type == "HTTP" ? [1] : []

    content {
      id          = "rate"
      expression  = "FILL(errors, 0) / requests"
      label       = "Share of requests answered ${each.key}"
      return_data = true
    }
  }

  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_datapoints_to_alarm
  threshold           = each.value.percent / 100
  comparison_operator = "GreaterThanOrEqualToThreshold"
  # A period without requests has no data: no requests, no failure rate.
  treat_missing_data = "notBreaching"

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

# Setting a topic policy replaces SNS's default one. The owner statement gives the account (not "*" with the legacy
# AWS:SourceOwner key) what the default policy gave it, except Publish: within the account, publishing still works
# through IAM policies, and through this resource policy only the alarms below can publish.
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
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  dynamic "statement" {
    # Every alarm wired to the topic must be allowed to publish, or AWS refuses its notifications silently (moto
    # enforces no topic policy: tests/integration/test_topic_policy.py evaluates this one). aws:SourceArn and
    # aws:SourceAccount keep any other account's alarms out (the confused-deputy conditions of the SNS guide,
    # "Allow CloudWatch alarms to publish to a topic").
    for_each = length(local.publisher_alarm_arns) > 0 ? [1] : []

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
        values   = local.publisher_alarm_arns
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

# What a KMS key's policy must say before the alarm topic can be encrypted with it: CloudWatch, publishing the alarms,
# may use the key (SNS Developer Guide, "Configure AWS KMS permissions for AWS services", the statement for
# cloudwatch.amazonaws.com). The AWS managed alias/aws/sns key cannot be given this statement, hence its refusal.
data "aws_iam_policy_document" "kms_key_policy" {
  #checkov:skip=CKV_AWS_111:This is a KMS key policy for the caller to merge, not an identity policy: in a key policy "*" is the key itself (AWS KMS Developer Guide, "Key policies"), and the statement is limited to one service principal.
  #checkov:skip=CKV_AWS_356:This is a KMS key policy for the caller to merge, not an identity policy: in a key policy "*" is the key itself (AWS KMS Developer Guide, "Key policies"), and the statement is limited to one service principal.
  statement {
    sid       = "CloudWatchAlarmsUseKeyForAlarmTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }
}
