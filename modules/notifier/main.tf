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
  # A pattern in a rule: the contract's words for it where it has some, else the regex (config.pattern_rule).
  pattern_rules = { for name, regex in local.contract.patterns : name => try(local.contract.pattern_words[name], "matching ${regex}") }
  # A rule in words, as the function words it (config.describe_rule).
  rules = {
    for key, spec in local.specs : key => (
      spec.allowed != null ? "one of ${join(", ", spec.allowed)}" :
      spec.type == "integer" ? "a whole number from ${spec.minimum} to ${spec.maximum}" :
      spec.type == "number" ? "a number from ${spec.minimum} to ${spec.maximum}" :
      spec.type == "string" && spec.pattern != null ? "a string of ${spec.min_length} to ${spec.max_length} characters ${local.pattern_rules[coalesce(spec.pattern, "-")]}" :
      spec.type == "string" ? "a string of ${spec.min_length} to ${spec.max_length} characters" :
      spec.type == "list(integer)" ? "a JSON array of ${spec.min_items} to ${spec.max_items} whole numbers from ${spec.minimum} to ${spec.maximum}" :
      "a JSON array of ${spec.min_items} to ${spec.max_items} strings ${local.pattern_rules[coalesce(spec.item_pattern, "-")]}"
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

  # One delivery at a time: the other's inputs are ignored, and nothing of it is created, granted or rendered.
  webhook_delivery = var.slack_delivery == "webhook"
  app_delivery     = var.slack_delivery == "app"
  arn_prefix       = "arn:${data.aws_partition.current.partition}"
  region_account   = "${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}"

  create_webhook_parameter = local.webhook_delivery && var.create_webhook_parameter
  webhook_parameter_name   = !local.webhook_delivery ? "" : var.create_webhook_parameter ? "/${var.name}/accesslog-notifier/slack-webhook-url" : var.webhook_parameter_name
  # SSM parameter ARNs have no slash between "parameter" and a name that starts with one.
  webhook_parameter_arn = "${local.arn_prefix}:ssm:${local.region_account}:parameter/${trimprefix(local.webhook_parameter_name, "/")}"

  create_bot_token_parameter = local.app_delivery && var.create_bot_token_parameter
  bot_token_parameter_name   = !local.app_delivery ? "" : var.create_bot_token_parameter ? "/${var.name}/accesslog-notifier/slack-bot-token" : var.bot_token_parameter_name
  bot_token_parameter_arn    = "${local.arn_prefix}:ssm:${local.region_account}:parameter/${trimprefix(local.bot_token_parameter_name, "/")}"

  # The delivery's one secret parameter, which the role may read (and decrypt with its key, when one is given).
  delivery_secret = local.app_delivery ? {
    sid         = "BotToken"
    arn         = local.bot_token_parameter_arn
    kms_key_arn = var.bot_token_parameter_kms_key_arn
    } : {
    sid         = "Webhook"
    arn         = local.webhook_parameter_arn
    kms_key_arn = var.webhook_parameter_kms_key_arn
  }

  # The state table, created or given; "" without one (the function then keeps no state).
  state_table_name = var.create_state_table ? "${var.name}-accesslog-notifier-state" : var.state_table_name == null ? "" : var.state_table_name
  has_state_table  = local.state_table_name != ""
  state_table_arn  = "${local.arn_prefix}:dynamodb:${local.region_account}:table/${local.state_table_name}"

  environment = merge(
    { for key, value in local.settings : local.specs[key].env => startswith(local.specs[key].type, "list") ? jsonencode(value) : tostring(value) },
    {
      (local.specs.log_group_names.env)           = jsonencode(var.log_group_names)
      (local.specs.slack_delivery.env)            = var.slack_delivery
      (local.specs.webhook_parameter_name.env)    = local.webhook_parameter_name
      (local.specs.bot_token_parameter_name.env)  = local.bot_token_parameter_name
      (local.specs.slack_channel_id.env)          = local.app_delivery ? var.slack_channel_id : ""
      (local.specs.slack_api_url.env)             = local.app_delivery ? var.slack_api_url : ""
      (local.specs.state_table_name.env)          = local.state_table_name
      (local.specs.error_status_threshold.env)    = tostring(var.error_status_threshold)
      (local.specs.schedule_interval_minutes.env) = tostring(var.notifier_schedule_interval_minutes)
      (local.specs.ignore_statuses.env)           = jsonencode(var.ignore_statuses)
      (local.specs.ignore_routes.env)             = jsonencode(var.ignore_routes)
      (local.specs.alarm_names.env)               = jsonencode(var.enable_alarm_digest ? var.alarm_digest_alarm_names : [])
    },
  )

  watched_log_group_arns = [
    for name in var.log_group_names :
    "${local.arn_prefix}:logs:${local.region_account}:log-group:${name}"
  ]
}
