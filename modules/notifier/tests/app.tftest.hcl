# The Slack app delivery and the state table: what each delivery creates, renders and grants, with distinctive
# values that must arrive where they belong; the refusals that span inputs (each rule's edges are in edges.tftest.hcl).

mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

variables {
  name            = "orders-api"
  log_group_names = ["/aws/apigateway/orders-api-accesslog"]
}

run "app_delivery_creates_the_token_parameter_and_the_table_and_no_webhook" {
  command = plan

  variables {
    slack_delivery          = "app"
    slack_channel_id        = "C0WIRED1234"
    slack_api_url           = "http://127.0.0.1:8765/api"
    slack_bot_token         = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
    slack_bot_token_version = 7
    tags                    = { Team = "payments" }
    state_table_tags        = { Data = "ephemeral" }
    notifier_settings = {
      critical_mention          = "S0WIRED123"
      critical_5xx_count        = 25
      critical_5xx_rate_percent = 2.5
      incident_quiet_windows    = 3
      quiet_hours               = ["Mon-Fri 22:00-07:00 Europe/Berlin", "Sat,Sun 00:00-24:00 UTC"]
    }
  }

  assert {
    condition     = aws_ssm_parameter.bot_token[0].name == "/orders-api/accesslog-notifier/slack-bot-token" && aws_ssm_parameter.bot_token[0].type == "SecureString" && aws_ssm_parameter.bot_token[0].value_wo_version == 7
    error_message = "The bot token must go to its own SecureString, written with slack_bot_token_version."
  }

  assert {
    condition     = length(aws_ssm_parameter.webhook) == 0
    error_message = "The app delivery creates no webhook parameter (create_webhook_parameter's default is ignored)."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].name == "orders-api-accesslog-notifier-state" && aws_dynamodb_table.this[0].billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.this[0].hash_key == "pk" && aws_dynamodb_table.this[0].range_key == "sk"
    error_message = "The state table is on demand, keyed by pk (partition) and sk (sort)."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].attribute == toset([{ name = "pk", type = "S" }, { name = "sk", type = "S" }])
    error_message = "Both keys are strings, and no other attribute is declared (DynamoDB declares key attributes only)."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].ttl[0].attribute_name == "expires_at" && aws_dynamodb_table.this[0].ttl[0].enabled == true
    error_message = "Items expire through TTL on expires_at."
  }

  assert {
    condition     = length(aws_dynamodb_table.this[0].server_side_encryption) == 0 && aws_dynamodb_table.this[0].point_in_time_recovery[0].enabled == false
    error_message = "Without a key the table keeps DynamoDB's default encryption; point-in-time recovery is off by default."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].tags == tomap({ Team = "payments", Data = "ephemeral" })
    error_message = "The table takes tags and state_table_tags."
  }

  assert {
    condition = {
      for name in ["SLACK_DELIVERY", "SLACK_CHANNEL_ID", "SLACK_API_URL", "BOT_TOKEN_PARAMETER_NAME", "WEBHOOK_PARAMETER_NAME", "STATE_TABLE_NAME", "CRITICAL_MENTION", "CRITICAL_5XX_COUNT", "CRITICAL_5XX_RATE_PERCENT", "INCIDENT_QUIET_WINDOWS", "QUIET_HOURS"] :
      name => aws_lambda_function.this.environment[0].variables[name]
      } == {
      SLACK_DELIVERY            = "app"
      SLACK_CHANNEL_ID          = "C0WIRED1234"
      SLACK_API_URL             = "http://127.0.0.1:8765/api"
      BOT_TOKEN_PARAMETER_NAME  = "/orders-api/accesslog-notifier/slack-bot-token"
      WEBHOOK_PARAMETER_NAME    = ""
      STATE_TABLE_NAME          = "orders-api-accesslog-notifier-state"
      CRITICAL_MENTION          = "S0WIRED123"
      CRITICAL_5XX_COUNT        = "25"
      CRITICAL_5XX_RATE_PERCENT = "2.5"
      INCIDENT_QUIET_WINDOWS    = "3"
      QUIET_HOURS               = "[\"Mon-Fri 22:00-07:00 Europe/Berlin\",\"Sat,Sun 00:00-24:00 UTC\"]"
    }
    error_message = "The delivery, the channel, the API, the token's parameter, the table and the incident settings must reach the environment as the function reads them; no webhook parameter."
  }

  assert {
    condition     = toset(keys(aws_lambda_function.this.environment[0].variables)) == toset([for spec in local.contract.settings : spec.env]) && !anytrue([for value in values(aws_lambda_function.this.environment[0].variables) : strcontains(value, "xoxb-")])
    error_message = "The environment holds one variable per setting of the contract, and never the token."
  }

  assert {
    condition     = [for statement in data.aws_iam_policy_document.this.statement : statement.resources if statement.sid == "ReadBotTokenParameter"] == [toset(["arn:aws:ssm:eu-west-1:123456789012:parameter/orders-api/accesslog-notifier/slack-bot-token"])] && [for statement in data.aws_iam_policy_document.this.statement : statement.actions if statement.sid == "ReadBotTokenParameter"] == [toset(["ssm:GetParameter"])]
    error_message = "The role may read the token's parameter, and only it."
  }

  assert {
    condition     = [for statement in data.aws_iam_policy_document.this.statement : statement.sid if strcontains(lower(statement.sid), "webhook")] == []
    error_message = "Nothing about the webhook parameter is granted with the app delivery."
  }

  assert {
    condition     = [for statement in data.aws_iam_policy_document.this.statement : statement.resources if statement.sid == "ReadAndWriteStateTable"] == [toset(["arn:aws:dynamodb:eu-west-1:123456789012:table/orders-api-accesslog-notifier-state"])]
    error_message = "The table's item actions are granted on the created table only (no index, no other table)."
  }

  assert {
    condition     = [for statement in data.aws_iam_policy_document.this.statement : statement.actions if statement.sid == "ReadAndWriteStateTable"] == [toset(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"])]
    error_message = "Item reads and writes, with the condition checks of transactions; no Query, Scan or table action."
  }

  assert {
    condition     = length([for statement in data.aws_iam_policy_document.this.statement : statement if anytrue([for action in statement.actions : startswith(action, "kms:")])]) == 0
    error_message = "No kms statement without a customer managed key."
  }

  assert {
    condition     = output.bot_token_parameter_name == "/orders-api/accesslog-notifier/slack-bot-token" && output.webhook_parameter_name == null && output.state_table_name == "orders-api-accesslog-notifier-state" && output.state_table_arn == "arn:aws:dynamodb:eu-west-1:123456789012:table/orders-api-accesslog-notifier-state"
    error_message = "The outputs name the token's parameter (never the token) and the table; no webhook parameter."
  }
}

run "customer_managed_keys_are_used_through_ssm_and_dynamodb_only" {
  command = plan

  variables {
    slack_delivery                            = "app"
    slack_channel_id                          = "C0WIRED1234"
    slack_bot_token                           = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
    bot_token_parameter_kms_key_arn           = "arn:aws:kms:eu-west-1:123456789012:key/0000aaaa-token"
    state_table_kms_key_arn                   = "arn:aws:kms:eu-west-1:123456789012:key/1111bbbb-table"
    enable_state_table_point_in_time_recovery = true
  }

  assert {
    condition     = aws_ssm_parameter.bot_token[0].key_id == "arn:aws:kms:eu-west-1:123456789012:key/0000aaaa-token"
    error_message = "The token's parameter must be encrypted with bot_token_parameter_kms_key_arn."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].server_side_encryption[0].enabled == true && aws_dynamodb_table.this[0].server_side_encryption[0].kms_key_arn == "arn:aws:kms:eu-west-1:123456789012:key/1111bbbb-table" && aws_dynamodb_table.this[0].point_in_time_recovery[0].enabled == true
    error_message = "The table must be encrypted with state_table_kms_key_arn, with point-in-time recovery when asked for."
  }

  assert {
    condition     = one([for statement in data.aws_iam_policy_document.this.statement : statement.actions if statement.sid == "DecryptBotTokenParameter"]) == toset(["kms:Decrypt"]) && one([for statement in data.aws_iam_policy_document.this.statement : statement.resources if statement.sid == "DecryptBotTokenParameter"]) == toset(["arn:aws:kms:eu-west-1:123456789012:key/0000aaaa-token"])
    error_message = "The token's key may decrypt, and only that key."
  }

  assert {
    # jsonencode: the conditions as a map of variable to values, whatever collection types the provider uses.
    condition = jsonencode(one([for statement in data.aws_iam_policy_document.this.statement : { for condition in statement.condition : condition.variable => condition.values } if statement.sid == "DecryptBotTokenParameter"])) == jsonencode({
      "kms:EncryptionContext:PARAMETER_ARN" = ["arn:aws:ssm:eu-west-1:123456789012:parameter/orders-api/accesslog-notifier/slack-bot-token"]
      "kms:ViaService"                      = ["ssm.eu-west-1.amazonaws.com"]
    })
    error_message = "The token's key may decrypt through SSM only, and only the token's parameter."
  }

  assert {
    condition     = one([for statement in data.aws_iam_policy_document.this.statement : statement.resources if statement.sid == "UseStateTableKeyThroughDynamoDB"]) == toset(["arn:aws:kms:eu-west-1:123456789012:key/1111bbbb-table"])
    error_message = "The table's key may be used, and only that key."
  }

  assert {
    condition     = jsonencode(one([for statement in data.aws_iam_policy_document.this.statement : { for condition in statement.condition : condition.variable => condition.values } if statement.sid == "UseStateTableKeyThroughDynamoDB"])) == jsonencode({ "kms:ViaService" = ["dynamodb.eu-west-1.amazonaws.com"] })
    error_message = "The table's key may be used through DynamoDB only, in this region."
  }

  assert {
    condition     = !contains(flatten([for statement in data.aws_iam_policy_document.this.statement : tolist(statement.actions)]), "kms:CreateGrant")
    error_message = "Using the table needs no grant (only creating or changing it does)."
  }
}

run "an_existing_table_and_parameter_are_used_not_created" {
  command = plan

  variables {
    slack_delivery             = "app"
    slack_channel_id           = "G0WIRED12345"
    create_bot_token_parameter = false
    bot_token_parameter_name   = "team/slack-bot-token"
    create_state_table         = false
    state_table_name           = "team-notifier-state"
    state_table_kms_key_arn    = "arn:aws:kms:eu-west-1:123456789012:key/2222cccc-shared"
    notifier_settings          = { quiet_hours = ["* 12:00-13:00 America/New_York"] }
  }

  assert {
    condition     = length(aws_ssm_parameter.bot_token) == 0 && length(aws_ssm_parameter.webhook) == 0 && length(aws_dynamodb_table.this) == 0
    error_message = "An existing parameter and table must not be created again."
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["BOT_TOKEN_PARAMETER_NAME"] == "team/slack-bot-token" && aws_lambda_function.this.environment[0].variables["STATE_TABLE_NAME"] == "team-notifier-state" && aws_lambda_function.this.environment[0].variables["SLACK_CHANNEL_ID"] == "G0WIRED12345"
    error_message = "The function must use the existing parameter and table."
  }

  assert {
    condition     = [for statement in data.aws_iam_policy_document.this.statement : statement.resources if statement.sid == "ReadBotTokenParameter"] == [toset(["arn:aws:ssm:eu-west-1:123456789012:parameter/team/slack-bot-token"])]
    error_message = "A parameter name without a leading slash must still give a valid parameter ARN."
  }

  assert {
    condition     = [for statement in data.aws_iam_policy_document.this.statement : statement.resources if statement.sid == "ReadAndWriteStateTable"] == [toset(["arn:aws:dynamodb:eu-west-1:123456789012:table/team-notifier-state"])] && [for statement in data.aws_iam_policy_document.this.statement : statement.resources if statement.sid == "UseStateTableKeyThroughDynamoDB"] == [toset(["arn:aws:kms:eu-west-1:123456789012:key/2222cccc-shared"])]
    error_message = "The existing table, and its key, must be granted by name."
  }

  assert {
    condition     = output.state_table_name == "team-notifier-state" && output.state_table_arn == "arn:aws:dynamodb:eu-west-1:123456789012:table/team-notifier-state" && output.bot_token_parameter_name == "team/slack-bot-token"
    error_message = "The outputs name what was given."
  }
}

run "webhook_delivery_without_a_table_keeps_no_state_and_ignores_the_app_inputs" {
  command = plan

  variables {
    slack_webhook_url  = "https://hooks.slack.com/services/T000/B000/XXXX"
    create_state_table = false
    # App inputs given with the webhook delivery are ignored: nothing of them is created, rendered or granted.
    slack_channel_id                = "C0IGNORED12"
    slack_api_url                   = "https://slack-gov.com/api"
    slack_bot_token                 = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
    bot_token_parameter_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/0000aaaa-token"
  }

  assert {
    condition = {
      for name in ["SLACK_DELIVERY", "SLACK_CHANNEL_ID", "SLACK_API_URL", "BOT_TOKEN_PARAMETER_NAME", "WEBHOOK_PARAMETER_NAME", "STATE_TABLE_NAME"] :
      name => aws_lambda_function.this.environment[0].variables[name]
      } == {
      SLACK_DELIVERY           = "webhook"
      SLACK_CHANNEL_ID         = ""
      SLACK_API_URL            = ""
      BOT_TOKEN_PARAMETER_NAME = ""
      WEBHOOK_PARAMETER_NAME   = "/orders-api/accesslog-notifier/slack-webhook-url"
      STATE_TABLE_NAME         = ""
    }
    error_message = "Without a table STATE_TABLE_NAME is empty; the app's variables are empty with the webhook delivery."
  }

  assert {
    condition     = length(aws_dynamodb_table.this) == 0 && length(aws_ssm_parameter.bot_token) == 0 && length(aws_ssm_parameter.webhook) == 1
    error_message = "Only the webhook parameter is created: no table, no token parameter."
  }

  assert {
    condition     = [for statement in data.aws_iam_policy_document.this.statement : statement.sid if anytrue([for action in statement.actions : startswith(action, "dynamodb:")]) || strcontains(lower(statement.sid), "token") || strcontains(lower(statement.sid), "state")] == []
    error_message = "No dynamodb statement without a table, and nothing about the token with the webhook delivery."
  }

  assert {
    condition     = [for statement in data.aws_iam_policy_document.this.statement : statement.resources if statement.sid == "ReadWebhookParameter"] == [toset(["arn:aws:ssm:eu-west-1:123456789012:parameter/orders-api/accesslog-notifier/slack-webhook-url"])]
    error_message = "The webhook delivery reads its parameter, as before."
  }

  assert {
    condition     = output.state_table_name == null && output.state_table_arn == null && output.bot_token_parameter_name == null && output.webhook_parameter_name == "/orders-api/accesslog-notifier/slack-webhook-url"
    error_message = "No table and no token parameter to output."
  }
}

run "webhook_delivery_creates_the_table_by_default" {
  command = plan

  variables {
    slack_webhook_url = "https://hooks.slack.com/services/T000/B000/XXXX"
  }

  assert {
    condition     = aws_dynamodb_table.this[0].name == "orders-api-accesslog-notifier-state" && aws_lambda_function.this.environment[0].variables["STATE_TABLE_NAME"] == "orders-api-accesslog-notifier-state"
    error_message = "The state table is created by default, whatever the delivery, and the function is told its name."
  }

  assert {
    condition     = [for statement in data.aws_iam_policy_document.this.statement : statement.resources if statement.sid == "ReadAndWriteStateTable"] == [toset(["arn:aws:dynamodb:eu-west-1:123456789012:table/orders-api-accesslog-notifier-state"])]
    error_message = "The role may use the created table."
  }
}

run "every_app_name_fits_its_limit_with_the_longest_name" {
  command = plan

  variables {
    name             = "a23456789012345678901234567890123456789"
    slack_delivery   = "app"
    slack_channel_id = "C0WIRED1234"
    slack_bot_token  = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
  }

  assert {
    condition     = length(var.name) == 39 && length(aws_dynamodb_table.this[0].name) <= 255 && can(regex(local.contract.patterns.dynamodb_table_name, aws_dynamodb_table.this[0].name))
    error_message = "The table's name must be a DynamoDB table name (3 to 255 of [A-Za-z0-9_.-]) with the longest name."
  }

  assert {
    condition     = length(aws_ssm_parameter.bot_token[0].name) <= 1011 && can(regex(local.contract.patterns.ssm_parameter_name, aws_ssm_parameter.bot_token[0].name))
    error_message = "The token's parameter name must fit SSM's 1011 characters with the longest name."
  }
}

run "app_delivery_refuses_a_missing_channel_and_token" {
  command = plan

  variables {
    slack_delivery = "app"
  }

  expect_failures = [var.slack_channel_id, var.slack_bot_token]
}

run "app_delivery_with_an_existing_parameter_needs_its_name" {
  command = plan

  variables {
    slack_delivery             = "app"
    slack_channel_id           = "C0WIRED1234"
    create_bot_token_parameter = false
  }

  expect_failures = [var.bot_token_parameter_name]
}

run "webhook_delivery_still_needs_its_url" {
  command = plan

  variables {
    slack_channel_id = "C0WIRED1234"
    slack_bot_token  = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
  }

  expect_failures = [var.slack_webhook_url]
}

run "quiet_hours_are_refused_without_a_table" {
  command = plan

  variables {
    slack_webhook_url  = "https://hooks.slack.com/services/T000/B000/XXXX"
    create_state_table = false
    notifier_settings  = { quiet_hours = ["Mon-Fri 22:00-07:00 Europe/Berlin"] }
  }

  expect_failures = [var.notifier_settings]
}

run "no_quiet_hours_need_no_table" {
  command = plan

  variables {
    slack_webhook_url  = "https://hooks.slack.com/services/T000/B000/XXXX"
    create_state_table = false
    notifier_settings  = { quiet_hours = [], critical_mention = "channel" }
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["QUIET_HOURS"] == "[]" && aws_lambda_function.this.environment[0].variables["CRITICAL_MENTION"] == "channel"
    error_message = "An empty quiet_hours needs no table, and renders as an empty JSON array."
  }
}
