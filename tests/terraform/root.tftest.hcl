# The root module: a switch per part, the rules that span parts, and the wiring between parts, each checked with
# a distinctive value that must arrive where it belongs. Forwarding (x = var.x) is checked statically by
# tests/unit/test_root_inputs.py; every rule is tested at both edges in the edges.tftest.hcl generated beside each
# module's tests from its edges.json (this module's own rules, the ones that span parts, in tests/terraform/).

mock_provider "aws" {
  source = "./tests/terraform/mocks"
}

variables {
  name        = "orders-api"
  rest_api_id = "a1b2c3d4e5"
  stage_name  = "prod"
  # Terraform 1.11's test runner refuses an apply run whose ephemeral variable was left unset ("must remain unset
  # during the apply phase"; null counts as unset), so every run gives the URL and the token; each is used only
  # where create_notifier is true, with its delivery.
  slack_webhook_url = "https://hooks.slack.com/services/T000/B000/XXXX"
  slack_bot_token   = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
}

run "everything_on_by_default_except_chatbot_and_notifier" {
  command = plan

  assert {
    condition     = length(module.apigateway_account) == 1 && length(module.stage_logging) == 1 && length(module.error_alarm) == 1 && length(module.notifier) == 0
    error_message = "Account setting, stage logging and alarms are on by default; the notifier needs a webhook, so it is off."
  }

  assert {
    condition     = output.access_log_group_name == "/aws/apigateway/orders-api-accesslog" && output.execution_log_group_name == "API-Gateway-Execution-Logs_a1b2c3d4e5/prod"
    error_message = "The access-log group is created with the default name, and execution logging is managed for the stage."
  }

  assert {
    condition     = output.metric_filter_patterns == tomap({ "4xx" = "{ $.status >= 400 && $.status <= 499 }", "5xx" = "{ $.status >= 500 }" })
    error_message = "Both alarm classes exist by default."
  }

  assert {
    condition     = output.chatbot_configuration_arn == null && output.notifier_function_name == null && output.webhook_parameter_name == null
    error_message = "Chatbot and the notifier are off by default."
  }
}

run "the_stage_and_its_access_log_are_wired_into_every_part" {
  command = plan

  variables {
    name                               = "wired-api"
    rest_api_id                        = "w1r3d0a1p2"
    stage_name                         = "wired-stage"
    create_access_log_group            = false
    access_log_group_name              = "/acc/wired"
    error_status_threshold             = 404
    create_notifier                    = true
    notifier_schedule_interval_minutes = 10
  }

  assert {
    condition     = module.error_alarm[0].access_log_group_name == "/acc/wired" && module.notifier[0].log_group_names == tolist(["/acc/wired"])
    error_message = "The alarms and the notifier must read the stage's access-log group."
  }

  assert {
    condition     = output.metric_filter_patterns["4xx"] == "{ $.status >= 404 && $.status <= 499 }" && module.notifier[0].environment["ERROR_STATUS_THRESHOLD"] == "404"
    error_message = "error_status_threshold must reach both methods."
  }

  assert {
    condition     = module.stage_logging[0].method_settings.rest_api_id == "w1r3d0a1p2" && module.stage_logging[0].method_settings.stage_name == "wired-stage" && output.execution_log_group_name == "API-Gateway-Execution-Logs_w1r3d0a1p2/wired-stage"
    error_message = "The method settings must be those of the given stage."
  }

  assert {
    condition     = module.notifier[0].environment["SCHEDULE_INTERVAL_MINUTES"] == "10" && output.notifier_function_name == "wired-api-accesslog-notifier"
    error_message = "The notifier's schedule and name must come from the root."
  }

  assert {
    condition     = module.notifier[0].environment["MESSAGE_TITLE"] == "wired-api: API Gateway errors"
    error_message = "The digest is titled after the API by default."
  }
}

run "notifier_settings_pass_through_and_a_title_given_wins" {
  command = plan

  variables {
    create_notifier   = true
    notifier_settings = { message_title = "Payments on fire", sample_count = 17 }
  }

  assert {
    condition     = module.notifier[0].environment["MESSAGE_TITLE"] == "Payments on fire" && module.notifier[0].environment["SAMPLE_COUNT"] == "17"
    error_message = "notifier_settings must reach the function, a given title over the default one."
  }
}

run "the_app_delivery_and_the_state_table_reach_the_notifier" {
  command = plan

  variables {
    create_notifier            = true
    slack_delivery             = "app"
    slack_channel_id           = "C0WIRED1234"
    slack_api_url              = "https://slack-gov.com/api"
    create_bot_token_parameter = false
    bot_token_parameter_name   = "/wired/slack-bot-token"
    create_state_table         = false
    state_table_name           = "wired-state"
    notifier_settings          = { quiet_hours = ["Sat,Sun 00:00-24:00 UTC"] }
  }

  assert {
    condition = {
      for name in ["SLACK_DELIVERY", "SLACK_CHANNEL_ID", "SLACK_API_URL", "BOT_TOKEN_PARAMETER_NAME", "WEBHOOK_PARAMETER_NAME", "STATE_TABLE_NAME", "QUIET_HOURS"] :
      name => module.notifier[0].environment[name]
      } == {
      SLACK_DELIVERY           = "app"
      SLACK_CHANNEL_ID         = "C0WIRED1234"
      SLACK_API_URL            = "https://slack-gov.com/api"
      BOT_TOKEN_PARAMETER_NAME = "/wired/slack-bot-token"
      WEBHOOK_PARAMETER_NAME   = ""
      STATE_TABLE_NAME         = "wired-state"
      QUIET_HOURS              = "[\"Sat,Sun 00:00-24:00 UTC\"]"
    }
    error_message = "The delivery, channel, API, token parameter, table and quiet hours must reach the notifier from the root."
  }

  assert {
    condition     = output.bot_token_parameter_name == "/wired/slack-bot-token" && output.webhook_parameter_name == null && output.state_table_name == "wired-state" && output.state_table_arn == "arn:aws:dynamodb:eu-west-1:123456789012:table/wired-state"
    error_message = "The root outputs the token's parameter and the table, and no webhook parameter."
  }
}

run "the_notifier_creates_its_state_table_by_default" {
  command = plan

  variables {
    create_notifier = true
  }

  assert {
    condition     = module.notifier[0].state_table_name == "orders-api-accesslog-notifier-state" && output.state_table_name == "orders-api-accesslog-notifier-state" && output.bot_token_parameter_name == null
    error_message = "The notifier creates its table by default; the webhook delivery has no token parameter."
  }
}

run "every_alarm_notifies_the_alarm_topic" {
  command = plan

  variables {
    create_notifier  = true
    create_sns_topic = false
    sns_topic_arn    = "arn:aws:sns:eu-west-1:123456789012:wired-alerts"
  }

  assert {
    condition = alltrue([
      for class, actions in module.error_alarm[0].alarm_actions :
      actions.alarm == toset(["arn:aws:sns:eu-west-1:123456789012:wired-alerts"]) && actions.ok == toset(["arn:aws:sns:eu-west-1:123456789012:wired-alerts"])
    ]) && length(module.error_alarm[0].alarm_actions) == 2
    error_message = "Both error alarms must notify the given topic on ALARM and OK."
  }

  assert {
    condition = length(module.notifier[0].failure_alarm_actions) == 1 && alltrue([
      for name, actions in module.notifier[0].failure_alarm_actions :
      actions.alarm == toset(["arn:aws:sns:eu-west-1:123456789012:wired-alerts"]) && actions.ok == toset(["arn:aws:sns:eu-west-1:123456789012:wired-alerts"])
    ])
    error_message = "The notifier's failure alarm must notify the same topic."
  }

  assert {
    condition     = output.sns_topic_arn == "arn:aws:sns:eu-west-1:123456789012:wired-alerts"
    error_message = "The topic output must be the given topic."
  }
}

run "the_topic_policy_lets_every_alarm_wired_to_the_topic_publish" {
  command = plan

  override_resource {
    target          = module.error_alarm[0].aws_cloudwatch_metric_alarm.this["5xx"]
    override_during = plan
    values          = { arn = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:wired-5xx" }
  }

  override_resource {
    target          = module.error_alarm[0].aws_cloudwatch_metric_alarm.this["4xx"]
    override_during = plan
    values          = { arn = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:wired-4xx" }
  }

  override_resource {
    target          = module.notifier[0].aws_cloudwatch_metric_alarm.unreported[0]
    override_during = plan
    values          = { arn = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:wired-unreported" }
  }

  override_resource {
    target          = module.notifier[0].aws_cloudwatch_metric_alarm.awaiting_replay[0]
    override_during = plan
    values          = { arn = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:wired-awaiting-replay" }
  }

  variables {
    create_notifier                = true
    create_notifier_failure_queue  = true
    sns_topic_publisher_alarm_arns = ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:team-own-*"]
  }

  assert {
    condition = toset(module.error_alarm[0].sns_topic_publisher_alarm_arns) == toset([
      "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:wired-4xx",
      "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:wired-5xx",
      "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:wired-unreported",
      "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:wired-awaiting-replay",
      "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:team-own-*",
    ])
    error_message = "The error alarms, the notifier's failure alarms and the caller's alarms must all be allowed to publish."
  }

  assert {
    condition     = toset(output.notifier_failure_alarm_arns) == toset(["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:wired-unreported", "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:wired-awaiting-replay"])
    error_message = "The root output lists the notifier's failure alarms."
  }
}

run "no_notifier_failure_alarm_without_the_alarms" {
  command = plan

  variables {
    create_alarms   = false
    create_notifier = true
  }

  assert {
    condition     = length(output.notifier_failure_alarm_arns) == 0 && length(module.notifier[0].failure_alarm_actions) == 0
    error_message = "Without the alarm topic there is nowhere to send the notifier's failures."
  }
}

run "everything_off" {
  command = plan

  variables {
    rest_api_id             = null
    stage_name              = null
    create_account_setting  = false
    create_cloudwatch_role  = false
    create_method_settings  = false
    create_access_log_group = false
    access_log_group_name   = "/existing/access"
    create_alarms           = false
  }

  assert {
    condition     = length(module.apigateway_account) == 0 && length(module.stage_logging) == 0 && length(module.error_alarm) == 0 && length(module.notifier) == 0
    error_message = "Every part must be switchable off."
  }

  assert {
    condition     = output.access_log_group_name == "/existing/access" && output.access_log_destination_arn == null
    error_message = "An existing access-log group is passed through, not created."
  }

  assert {
    condition     = length(output.alarm_arns) == 0 && length(output.metric_filter_patterns) == 0 && output.sns_topic_arn == null && output.cloudwatch_role_arn == null
    error_message = "Outputs of switched-off parts are empty."
  }
}

run "the_role_without_the_setting" {
  command = plan

  variables {
    create_account_setting = false
  }

  assert {
    condition     = length(module.apigateway_account) == 1 && output.cloudwatch_role_arn == null
    error_message = "create_account_setting = false leaves the setting alone (the output names the setting's role, so it is null)."
  }
}

run "chatbot_channel_subscribes_to_the_alarm_topic" {
  command = apply

  variables {
    create_account_setting   = false
    create_cloudwatch_role   = false
    create_method_settings   = false
    create_chatbot_channel   = true
    chatbot_slack_team_id    = "T07WIRED01"
    chatbot_slack_channel_id = "C07WIRED02"
  }

  assert {
    condition     = output.chatbot_configuration_arn == module.error_alarm[0].chatbot_configuration_arn && length(module.error_alarm[0].chatbot_configuration_arn) > 0
    error_message = "create_chatbot_channel must create the Chatbot configuration from the root."
  }
}


run "noise_rules_and_the_api_type_reach_every_part" {
  command = plan

  variables {
    api_type               = "HTTP"
    http_api_id            = "h1t2p3a4p5"
    stage_name             = "$default"
    create_method_settings = false
    create_account_setting = false
    create_cloudwatch_role = false
    create_notifier        = true
    ignore_statuses        = [418]
    ignore_routes          = ["GET /wired-health"]
  }

  assert {
    condition     = strcontains(output.access_log_format, "\"routeKey\":\"$context.routeKey\"") && !strcontains(output.access_log_format, "resourcePath")
    error_message = "api_type must reach the access-log group: HTTP lines name the route key."
  }

  assert {
    condition     = alltrue([for pattern in values(output.metric_filter_patterns) : strcontains(pattern, "$.status != 418") && strcontains(pattern, "/wired-health")])
    error_message = "Ignored statuses and routes must reach both filter patterns."
  }

  assert {
    condition     = module.notifier[0].environment["IGNORE_STATUSES"] == "[418]" && module.notifier[0].environment["IGNORE_ROUTES"] == jsonencode(["GET /wired-health"])
    error_message = "Ignored statuses and routes must reach the notifier."
  }
}

run "the_alarm_digest_listens_to_the_alarm_topic_for_the_error_alarms" {
  command = plan

  variables {
    create_notifier     = true
    enable_alarm_digest = true
    create_sns_topic    = false
    sns_topic_arn       = "arn:aws:sns:eu-west-1:123456789012:wired-digest"
  }

  assert {
    condition     = module.notifier[0].alarm_digest_topic_arn == "arn:aws:sns:eu-west-1:123456789012:wired-digest"
    error_message = "The notifier must be subscribed to the alarm topic."
  }

  assert {
    condition     = toset(jsondecode(module.notifier[0].environment["ALARM_NAMES"])) == toset(["orders-api-4xx", "orders-api-5xx"])
    error_message = "The alarm digest must answer the 4xx and 5xx alarms, by name."
  }
}
