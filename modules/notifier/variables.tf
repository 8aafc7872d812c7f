variable "name" {
  description = "Prefix of everything created; the function is <name>-accesslog-notifier."
  type        = string
  nullable    = false

  validation {
    # The longest derived name is the role's, <name>-notifier-<region>, at most 64 characters with the longest
    # region names (15 characters, like us-isof-south-1): 39 + 10 + 15.
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$", var.name))
    error_message = "name must be 1-39 letters, digits, '_' or '-', starting with a letter or digit, so that the role <name>-notifier-<region> fits IAM's 64 characters in every region (got \"${var.name}\")."
  }
}

variable "log_group_names" {
  description = "Access-log groups to watch (JSON lines with a status field). Queried together, at most 50 per Logs Insights query."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.log_group_names) >= local.specs.log_group_names.min_items && length(var.log_group_names) <= local.specs.log_group_names.max_items && alltrue([for name in var.log_group_names : can(regex(local.contract.patterns.log_group_name, name))])
    error_message = "log_group_names must be ${local.rules.log_group_names} (got ${anytrue([for name in var.log_group_names : can(regex(local.contract.patterns.secret_like, name))]) ? "a value not shown" : jsonencode(var.log_group_names)})."
  }

  validation {
    condition     = !anytrue([for name in var.log_group_names : can(regex(local.contract.patterns.secret_like, name))])
    error_message = "log_group_names must not hold a URL or a Slack token (the value is not shown): it reaches log lines and Slack messages, where a webhook URL or token would leak."
  }
}

variable "error_status_threshold" {
  description = "Lowest HTTP status that counts as an error, for the alarms and the notifier alike: the root module gives both the same value, so both methods agree on what an error is. The 4xx alarms count [max(threshold, 400), 499], the 5xx alarms [max(threshold, 500), 599]."
  type        = number
  nullable    = false
  default     = 400

  validation {
    condition     = floor(var.error_status_threshold) == var.error_status_threshold && var.error_status_threshold >= local.specs.error_status_threshold.minimum && var.error_status_threshold <= local.specs.error_status_threshold.maximum
    error_message = "error_status_threshold must be ${local.rules.error_status_threshold} (got ${var.error_status_threshold})."
  }
}

variable "ignore_statuses" {
  description = "Statuses that never count as errors, like 404 from scanners, for the alarms (left out of their filter patterns) and the notifier alike: the root module gives both the same list."
  type        = list(number)
  nullable    = false
  default     = []

  validation {
    condition     = length(var.ignore_statuses) <= local.specs.ignore_statuses.max_items && alltrue([for status in var.ignore_statuses : floor(status) == status && status >= local.specs.ignore_statuses.minimum && status <= local.specs.ignore_statuses.maximum])
    error_message = "ignore_statuses must be ${local.rules.ignore_statuses} (got ${jsonencode(var.ignore_statuses)})."
  }
}

variable "ignore_routes" {
  description = "Routes whose requests never count, for the alarms (left out of their filter patterns) and the notifier alike (the root module gives both the same list): \"GET /health\" (REST APIs: method and resource path; HTTP APIs: the route key), \"* /health\" for every method, \"$default\" (HTTP APIs)."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = length(var.ignore_routes) <= local.specs.ignore_routes.max_items && alltrue([for route in var.ignore_routes : can(regex(local.contract.patterns.route, route))])
    error_message = "ignore_routes must be ${local.rules.ignore_routes} (got ${anytrue([for route in var.ignore_routes : can(regex(local.contract.patterns.secret_like, route))]) ? "a value not shown" : jsonencode(var.ignore_routes)})."
  }

  validation {
    condition     = !anytrue([for route in var.ignore_routes : can(regex(local.contract.patterns.secret_like, route))])
    error_message = "ignore_routes must not hold a URL or a Slack token (the value is not shown): it reaches log lines and Slack messages, where a webhook URL or token would leak."
  }
}

variable "notifier_schedule_interval_minutes" {
  description = "Minutes between runs; each run reports the interval before its scheduled minute. A divisor of an hour or of a day, so the schedule is a cron expression on whole multiples of it (every 5 minutes: :00, :05, ...) and any moment's window is known in advance."
  type        = number
  nullable    = false
  default     = 5

  validation {
    condition     = contains(local.specs.schedule_interval_minutes.allowed, var.notifier_schedule_interval_minutes)
    error_message = "notifier_schedule_interval_minutes must be ${local.rules.schedule_interval_minutes} (got ${var.notifier_schedule_interval_minutes})."
  }
}

variable "notifier_settings" {
  description = "How each run reads, counts and reports, as a map: keys and allowed values are listed in the notifier settings table (from contract/contract.json, the file the function checks its environment against). Keys left out take their defaults."
  type        = any
  nullable    = false
  default     = {}

  validation {
    condition     = can(keys(var.notifier_settings)) && length(setsubtract(try(keys(var.notifier_settings), []), keys(local.tunables))) == 0
    error_message = "notifier_settings takes only the keys ${join(", ", sort(keys(local.tunables)))} (got ${try(join(", ", sort(keys(var.notifier_settings))), "a value that is not a map")})."
  }

  validation {
    # Each key against its spec in the contract. A string's rule (allowed values, lengths, pattern) applies to what
    # tostring gives (a number is written as Terraform writes it, a list or map is refused); a list(string) must be
    # a list of min_items to max_items strings matching item_pattern. A type the contract adds later is refused
    # until this rule learns it. The same expression is repeated in the message: a validation cannot read a local
    # that reads its own variable.
    condition = alltrue([
      for key, value in try({ for key, value in var.notifier_settings : key => value }, {}) : !contains(keys(local.tunables), key) || try(
        local.tunables[key].type == "integer" ? floor(value) == value && (local.tunables[key].allowed != null ? contains(local.tunables[key].allowed, value) : value >= local.tunables[key].minimum && value <= local.tunables[key].maximum) :
        local.tunables[key].type == "number" ? value >= local.tunables[key].minimum && value <= local.tunables[key].maximum :
        local.tunables[key].type == "list(string)" ? length(tolist(value)) >= local.tunables[key].min_items && length(tolist(value)) <= local.tunables[key].max_items && alltrue([for item in tolist(value) : can(regex(local.contract.patterns[local.tunables[key].item_pattern], tostring(item)))]) :
        local.tunables[key].type != "string" ? false :
        local.tunables[key].allowed != null ? contains(local.tunables[key].allowed, tostring(value)) :
        length(tostring(value)) >= local.tunables[key].min_length && length(tostring(value)) <= local.tunables[key].max_length && (local.tunables[key].pattern == null || can(regex(local.contract.patterns[coalesce(local.tunables[key].pattern, "-")], tostring(value)))),
        false
      )
    ])
    error_message = join(" ", [
      for key, value in try({ for key, value in var.notifier_settings : key => value }, {}) : "notifier_settings.${key} must be ${local.rules[key]} (got ${anytrue([for text in flatten([try(tostring(value), try(tolist(value), []))]) : can(regex(local.contract.patterns.secret_like, text))]) ? "a value not shown" : jsonencode(value)})." if contains(keys(local.tunables), key) && !try(
        local.tunables[key].type == "integer" ? floor(value) == value && (local.tunables[key].allowed != null ? contains(local.tunables[key].allowed, value) : value >= local.tunables[key].minimum && value <= local.tunables[key].maximum) :
        local.tunables[key].type == "number" ? value >= local.tunables[key].minimum && value <= local.tunables[key].maximum :
        local.tunables[key].type == "list(string)" ? length(tolist(value)) >= local.tunables[key].min_items && length(tolist(value)) <= local.tunables[key].max_items && alltrue([for item in tolist(value) : can(regex(local.contract.patterns[local.tunables[key].item_pattern], tostring(item)))]) :
        local.tunables[key].type != "string" ? false :
        local.tunables[key].allowed != null ? contains(local.tunables[key].allowed, tostring(value)) :
        length(tostring(value)) >= local.tunables[key].min_length && length(tostring(value)) <= local.tunables[key].max_length && (local.tunables[key].pattern == null || can(regex(local.contract.patterns[coalesce(local.tunables[key].pattern, "-")], tostring(value)))),
        false
      )
    ])
  }

  validation {
    # Strings and the items of lists alike: every text setting reaches log lines or Slack messages.
    condition = !anytrue([
      for key, value in try({ for key, value in var.notifier_settings : key => value }, {}) :
      anytrue([for text in flatten([try(tostring(value), try(tolist(value), []))]) : can(regex(local.contract.patterns.secret_like, text))])
    ])
    error_message = "notifier_settings must not hold a URL or a Slack token in ${join(", ", [for key, value in try({ for key, value in var.notifier_settings : key => value }, {}) : key if anytrue([for text in flatten([try(tostring(value), try(tolist(value), []))]) : can(regex(local.contract.patterns.secret_like, text))])])} (the value is not shown): it reaches log lines and Slack messages, where a webhook URL or token would leak."
  }

  validation {
    # What quiet hours hold is kept in the state table until they end and one message summarises it; without a
    # table the function would refuse its environment at every run.
    condition     = length(try(tolist(var.notifier_settings["quiet_hours"]), [])) == 0 || var.create_state_table || var.state_table_name != null
    error_message = "notifier_settings.quiet_hours needs the state table, where what quiet hours hold is kept until they end: leave create_state_table true, or give state_table_name (got ${length(try(tolist(var.notifier_settings["quiet_hours"]), []))} quiet windows, create_state_table = false and no state_table_name)."
  }
}

################################################################################
# The alarm digest
################################################################################

variable "enable_alarm_digest" {
  description = "Also run the notifier when an alarm it watches goes to ALARM (it subscribes to the alarms' SNS topic): it reports the alarm's evaluation period at once, and says which scheduled digest will carry the complete numbers. The alarms and the topic are alarm_digest_alarm_names and alarm_digest_sns_topic_arn; the root module gives its 4xx/5xx alarms (count and rate) and their topic."
  type        = bool
  nullable    = false
  default     = false
}

variable "alarm_digest_sns_topic_arn" {
  description = "The topic the alarms publish to, which the function subscribes to (enable_alarm_digest)."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_digest_sns_topic_arn == null ? !var.enable_alarm_digest : can(regex(local.contract.patterns.sns_topic_arn, var.alarm_digest_sns_topic_arn))
    error_message = "alarm_digest_sns_topic_arn must be an SNS topic ARN like arn:aws:sns:<region>:<account-id>:<topic>, required when enable_alarm_digest is true (got ${jsonencode(var.alarm_digest_sns_topic_arn)})."
  }
}

variable "alarm_digest_alarm_names" {
  description = "The alarms whose ALARM notifications start a digest; notifications of any other alarm on the topic (the notifier's own failure alarms among them) are ignored."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = length(var.alarm_digest_alarm_names) <= local.specs.alarm_names.max_items && alltrue([for alarm in var.alarm_digest_alarm_names : can(regex(local.contract.patterns.alarm_name, alarm))]) && (length(var.alarm_digest_alarm_names) > 0 || !var.enable_alarm_digest)
    error_message = "alarm_digest_alarm_names must be ${local.rules.alarm_names}, at least one when enable_alarm_digest is true (got ${anytrue([for alarm in var.alarm_digest_alarm_names : can(regex(local.contract.patterns.secret_like, alarm))]) ? "a value not shown" : jsonencode(var.alarm_digest_alarm_names)})."
  }

  validation {
    condition     = !anytrue([for alarm in var.alarm_digest_alarm_names : can(regex(local.contract.patterns.secret_like, alarm))])
    error_message = "alarm_digest_alarm_names must not hold a URL or a Slack token (the value is not shown): it reaches log lines and Slack messages, where a webhook URL or token would leak."
  }
}

################################################################################
# Slack: how digests get there
################################################################################

variable "slack_delivery" {
  description = "How digests reach Slack: \"webhook\" (an incoming webhook, slack_webhook_url; one message per window) or \"app\" (a Slack app's bot token, slack_bot_token, posting to slack_channel_id: one thread per incident, its parent message updated in place). The inputs of the other delivery are ignored: nothing of them is created, required or granted."
  type        = string
  nullable    = false
  default     = "webhook"

  validation {
    condition     = contains(local.specs.slack_delivery.allowed, var.slack_delivery)
    error_message = "slack_delivery must be ${local.rules.slack_delivery} (got ${jsonencode(var.slack_delivery)})."
  }
}

variable "slack_channel_id" {
  description = "Channel the Slack app posts to (slack_delivery = \"app\"), like C07EZ1ABC23: the end of the channel's link (Copy link) or the bottom of its details. Invite the app's bot to it (/invite @app)."
  type        = string
  default     = null

  validation {
    condition     = var.slack_channel_id == null ? var.slack_delivery != "app" : length(var.slack_channel_id) >= local.specs.slack_channel_id.min_length && length(var.slack_channel_id) <= local.specs.slack_channel_id.max_length && can(regex(local.contract.patterns.slack_channel_id, var.slack_channel_id))
    error_message = "slack_channel_id must be a Slack channel id like C07EZ1ABC23 (${local.rules.slack_channel_id}), required when slack_delivery is \"app\" (got ${can(regex(local.contract.patterns.secret_like, coalesce(var.slack_channel_id, "-"))) ? "a value not shown" : jsonencode(var.slack_channel_id)})."
  }
}

variable "slack_api_url" {
  description = "Base URL of Slack's Web API for the app delivery: https://slack.com/api, or https://slack-gov.com/api for GovSlack (http only to 127.0.0.1, localhost or [::1], for local tests)."
  type        = string
  nullable    = false
  default     = "https://slack.com/api"

  validation {
    condition     = length(var.slack_api_url) >= local.specs.slack_api_url.min_length && length(var.slack_api_url) <= local.specs.slack_api_url.max_length && can(regex(local.contract.patterns.webhook_url, var.slack_api_url))
    error_message = "slack_api_url must be an https:// URL like https://slack.com/api or https://slack-gov.com/api (http:// only to 127.0.0.1, localhost or [::1], for local tests), at most ${local.specs.slack_api_url.max_length} characters (got ${can(regex(local.contract.patterns.secret_like, replace(var.slack_api_url, "/^[^:]*://", ""))) ? "a value not shown" : jsonencode(var.slack_api_url)})."
  }

  validation {
    # The URL reaches the function's environment, the plan and the state in the clear. Any URL matches the
    # contract's secret_like (its first alternative is "scheme://"), so the scheme is left out before the check:
    # what remains must not be a webhook's host or path, or a token.
    condition     = !can(regex(local.contract.patterns.secret_like, replace(var.slack_api_url, "/^[^:]*://", "")))
    error_message = "slack_api_url must be the base URL of Slack's Web API, not a webhook URL or a Slack token (the value is not shown): it reaches the function's environment, the plan and the state, where a secret would leak."
  }
}

################################################################################
# The webhook
################################################################################

variable "create_webhook_parameter" {
  description = "Create the SSM SecureString parameter that holds the webhook URL, written from slack_webhook_url. Set false and give webhook_parameter_name to use a parameter you manage."
  type        = bool
  nullable    = false
  default     = true
}

variable "slack_webhook_url" {
  description = "Slack incoming webhook URL (https://hooks.slack.com/...; http only to 127.0.0.1, localhost or [::1], for local tests), written to the SSM parameter created for it (slack_delivery = \"webhook\"). Ephemeral: with create_webhook_parameter (the default), give it on every plan, apply (a saved plan's too: ephemeral values are not saved in it), refresh and destroy, for example from a TF_VAR_ environment variable in every CI job; it is never stored in the plan or the state (the parameter's value is write-only). Change the URL together with slack_webhook_url_version."
  type        = string
  default     = null
  ephemeral   = true
  sensitive   = true

  validation {
    # An ephemeral value is never printed in a diagnostic; this message does not show it either.
    condition     = var.slack_webhook_url == null ? !var.create_webhook_parameter || var.slack_delivery != "webhook" : can(regex(local.contract.patterns.webhook_url, var.slack_webhook_url))
    error_message = "slack_webhook_url must be an https:// URL like https://hooks.slack.com/services/T000/B000/XXXX (http:// only to 127.0.0.1, localhost or [::1], for local tests) when slack_delivery is \"webhook\" and create_webhook_parameter is true. Its value is not shown: it is secret."
  }
}

variable "slack_webhook_url_version" {
  description = "Version of slack_webhook_url. The parameter's value is write-only, so Terraform cannot see the URL change: increase this number to write a new URL."
  type        = number
  nullable    = false
  default     = 1

  validation {
    condition     = floor(var.slack_webhook_url_version) == var.slack_webhook_url_version && var.slack_webhook_url_version >= 1
    error_message = "slack_webhook_url_version must be a whole number >= 1 (got ${var.slack_webhook_url_version})."
  }
}

variable "webhook_parameter_name" {
  description = "Name of the SSM SecureString parameter holding the webhook URL: the existing one, with create_webhook_parameter = false; otherwise null (/<name>/accesslog-notifier/slack-webhook-url is created)."
  type        = string
  default     = null

  validation {
    condition     = var.webhook_parameter_name == null ? var.create_webhook_parameter || var.slack_delivery != "webhook" : !var.create_webhook_parameter && length(var.webhook_parameter_name) <= local.specs.webhook_parameter_name.max_length && can(regex(local.contract.patterns.ssm_parameter_name, var.webhook_parameter_name))
    error_message = "webhook_parameter_name must be null when create_webhook_parameter is true, and otherwise ${local.rules.webhook_parameter_name} (required with slack_delivery = \"webhook\") (got ${can(regex(local.contract.patterns.secret_like, coalesce(var.webhook_parameter_name, "-"))) ? "a value not shown" : jsonencode(var.webhook_parameter_name)})."
  }

  validation {
    condition     = !can(regex(local.contract.patterns.secret_like, coalesce(var.webhook_parameter_name, "-")))
    error_message = "webhook_parameter_name must be the parameter's name, not a URL or a Slack token (the value is not shown): it reaches log lines and Slack messages, where a webhook URL or token would leak."
  }
}

variable "webhook_parameter_kms_key_arn" {
  description = "ARN of the KMS key the webhook parameter is encrypted with, when not the AWS managed aws/ssm key: the created parameter uses it, and the notifier gets kms:Decrypt on it (through SSM only)."
  type        = string
  default     = null

  validation {
    condition     = var.webhook_parameter_kms_key_arn == null || can(regex(local.contract.patterns.kms_key_arn, var.webhook_parameter_kms_key_arn))
    error_message = "webhook_parameter_kms_key_arn must be a KMS key ARN like arn:aws:kms:<region>:<account-id>:key/<key-id> (got ${jsonencode(var.webhook_parameter_kms_key_arn)})."
  }
}

################################################################################
# The Slack app's bot token (slack_delivery = "app")
################################################################################

variable "create_bot_token_parameter" {
  description = "With slack_delivery = \"app\": create the SSM SecureString parameter that holds the bot token, written from slack_bot_token. Set false and give bot_token_parameter_name to use a parameter you manage."
  type        = bool
  nullable    = false
  default     = true
}

variable "slack_bot_token" {
  description = "The Slack app's Bot User OAuth Token (xoxb-...), written to the SSM parameter created for it (slack_delivery = \"app\"). Ephemeral: with create_bot_token_parameter (the default), give it on every plan, apply (a saved plan's too: ephemeral values are not saved in it), refresh and destroy, for example from a TF_VAR_ environment variable in every CI job; it is never stored in the plan or the state (the parameter's value is write-only). Change the token together with slack_bot_token_version."
  type        = string
  default     = null
  ephemeral   = true
  sensitive   = true

  validation {
    # An ephemeral value is never printed in a diagnostic; this message does not show it either.
    condition     = var.slack_bot_token == null ? !var.create_bot_token_parameter || var.slack_delivery != "app" : can(regex(local.contract.patterns.slack_bot_token, var.slack_bot_token))
    error_message = "slack_bot_token must be a Slack bot token: xoxb- and 10 to 250 letters, digits or '-' (the Bot User OAuth Token of the app's OAuth & Permissions page), when slack_delivery is \"app\" and create_bot_token_parameter is true. Its value is not shown: it is secret."
  }
}

variable "slack_bot_token_version" {
  description = "Version of slack_bot_token. The parameter's value is write-only, so Terraform cannot see the token change: increase this number to write a new token."
  type        = number
  nullable    = false
  default     = 1

  validation {
    condition     = floor(var.slack_bot_token_version) == var.slack_bot_token_version && var.slack_bot_token_version >= 1
    error_message = "slack_bot_token_version must be a whole number >= 1 (got ${var.slack_bot_token_version})."
  }
}

variable "bot_token_parameter_name" {
  description = "Name of the SSM SecureString parameter holding the bot token: the existing one, with create_bot_token_parameter = false; otherwise null (/<name>/accesslog-notifier/slack-bot-token is created)."
  type        = string
  default     = null

  validation {
    condition     = var.bot_token_parameter_name == null ? var.create_bot_token_parameter || var.slack_delivery != "app" : !var.create_bot_token_parameter && length(var.bot_token_parameter_name) <= local.specs.bot_token_parameter_name.max_length && can(regex(local.contract.patterns.ssm_parameter_name, var.bot_token_parameter_name))
    error_message = "bot_token_parameter_name must be null when create_bot_token_parameter is true, and otherwise ${local.rules.bot_token_parameter_name} (required with slack_delivery = \"app\") (got ${can(regex(local.contract.patterns.secret_like, coalesce(var.bot_token_parameter_name, "-"))) ? "a value not shown" : jsonencode(var.bot_token_parameter_name)})."
  }

  validation {
    condition     = !can(regex(local.contract.patterns.secret_like, coalesce(var.bot_token_parameter_name, "-")))
    error_message = "bot_token_parameter_name must be the parameter's name, not a URL or a Slack token (the value is not shown): it reaches log lines and Slack messages, where a webhook URL or token would leak."
  }
}

variable "bot_token_parameter_kms_key_arn" {
  description = "ARN of the KMS key the bot token's parameter is encrypted with, when not the AWS managed aws/ssm key: the created parameter uses it, and the notifier gets kms:Decrypt on it (through SSM only)."
  type        = string
  default     = null

  validation {
    condition     = var.bot_token_parameter_kms_key_arn == null || can(regex(local.contract.patterns.kms_key_arn, var.bot_token_parameter_kms_key_arn))
    error_message = "bot_token_parameter_kms_key_arn must be a KMS key ARN like arn:aws:kms:<region>:<account-id>:key/<key-id> (got ${jsonencode(var.bot_token_parameter_kms_key_arn)})."
  }
}

################################################################################
# The state table: incidents, mutes, what was muted
################################################################################

variable "create_state_table" {
  description = "Create the DynamoDB table where the notifier keeps its incidents (one Slack thread each, with slack_delivery = \"app\"), the windows it reported (so a retried or replayed run neither posts nor counts twice), mutes and what quiet hours held. Set false and give state_table_name to use a table you manage, or neither to run without state (every window a standalone digest; no quiet_hours)."
  type        = bool
  nullable    = false
  default     = true
}

variable "state_table_name" {
  description = "Name of an existing DynamoDB table for the notifier's state, with create_state_table = false: partition key pk and sort key sk (both strings), TTL on expires_at. Null otherwise (<name>-accesslog-notifier-state is created, or, with create_state_table = false, the notifier runs without state)."
  type        = string
  default     = null

  validation {
    condition     = var.state_table_name == null ? true : !var.create_state_table && length(var.state_table_name) >= local.specs.state_table_name.min_length && length(var.state_table_name) <= local.specs.state_table_name.max_length && can(regex(local.contract.patterns.dynamodb_table_name, var.state_table_name))
    error_message = "state_table_name must be null when create_state_table is true, and otherwise null (no state) or a DynamoDB table name: ${local.rules.state_table_name} (got ${can(regex(local.contract.patterns.secret_like, coalesce(var.state_table_name, "-"))) ? "a value not shown" : jsonencode(var.state_table_name)})."
  }

  validation {
    condition     = !can(regex(local.contract.patterns.secret_like, coalesce(var.state_table_name, "-")))
    error_message = "state_table_name must be the table's name, not a Slack token (the value is not shown): it reaches log lines, where a token would leak."
  }
}

variable "state_table_kms_key_arn" {
  description = "ARN of a customer managed KMS key for the state table: the created table is encrypted with it, and the notifier may use it through DynamoDB only (give it for an existing table under such a key too). Null: DynamoDB's default encryption at rest (an AWS owned key, no KMS charges)."
  type        = string
  default     = null

  validation {
    condition     = var.state_table_kms_key_arn == null || can(regex(local.contract.patterns.kms_key_arn, var.state_table_kms_key_arn))
    error_message = "state_table_kms_key_arn must be a KMS key ARN like arn:aws:kms:<region>:<account-id>:key/<key-id> (got ${jsonencode(var.state_table_kms_key_arn)})."
  }
}

variable "enable_state_table_point_in_time_recovery" {
  description = "Turn on point-in-time recovery for the created state table (billed per GB stored). Off by default: the state is short-lived (windows and mutes expire in days) and losing it only means the next incident opens a new thread. Turn it on where a policy requires it for every table (Security Hub DynamoDB.2)."
  type        = bool
  nullable    = false
  default     = false
}

variable "state_table_tags" {
  description = "Extra tags for the notifier's state table."
  type        = map(string)
  nullable    = false
  default     = {}
}

################################################################################
# The function
################################################################################

variable "notifier_runtime" {
  description = "Lambda runtime: python3.12 or python3.13, the Python runtimes that hashicorp/aws 5.x accepts (python3.14 needs provider 6.x)."
  type        = string
  nullable    = false
  default     = "python3.12"

  validation {
    # The Python runtimes Lambda supports that the pinned provider accepts (tests/integration/test_runtimes.py
    # reads the provider's own list); python3.14 came with provider 6.x.
    condition     = contains(local.contract.notifier_runtimes, var.notifier_runtime)
    error_message = "notifier_runtime must be one of ${join(", ", local.contract.notifier_runtimes)} (got \"${var.notifier_runtime}\")."
  }
}

variable "notifier_architecture" {
  description = "Instruction set of the function: arm64 (cheaper) or x86_64. The code is pure Python."
  type        = string
  nullable    = false
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.notifier_architecture)
    error_message = "notifier_architecture must be arm64 or x86_64 (got \"${var.notifier_architecture}\")."
  }
}

variable "notifier_memory_size" {
  description = "Memory of the function in MB."
  type        = number
  nullable    = false
  default     = 128

  validation {
    condition     = var.notifier_memory_size >= 128 && var.notifier_memory_size <= 10240 && floor(var.notifier_memory_size) == var.notifier_memory_size
    error_message = "notifier_memory_size must be a whole number of MB from 128 to 10240 (got ${var.notifier_memory_size})."
  }
}

variable "notifier_timeout" {
  description = "Seconds a run may take: queries, storm splitting and Slack's rate limit all fit in it."
  type        = number
  nullable    = false
  default     = 300

  validation {
    condition     = var.notifier_timeout >= 30 && var.notifier_timeout <= 900 && floor(var.notifier_timeout) == var.notifier_timeout
    error_message = "notifier_timeout must be a whole number of seconds from 30 to 900 (got ${var.notifier_timeout})."
  }
}

variable "notifier_reserved_concurrent_executions" {
  description = "Concurrency reserved for the function; null reserves none. Overlapping runs are harmless (their windows are disjoint), and new accounts cannot reserve any (AWS keeps 10 unreserved), so it is unset by default."
  type        = number
  default     = null

  validation {
    condition     = var.notifier_reserved_concurrent_executions == null || try(var.notifier_reserved_concurrent_executions >= 1 && floor(var.notifier_reserved_concurrent_executions) == var.notifier_reserved_concurrent_executions, false)
    error_message = "notifier_reserved_concurrent_executions must be null (reserve nothing) or a whole number >= 1; 0 would stop every run (got ${coalesce(var.notifier_reserved_concurrent_executions, -1)})."
  }
}

variable "notifier_maximum_retry_attempts" {
  description = "Times Lambda retries a run that could not report its window (0-2). Only a run that delivered nothing is retried (a delivered digest is final), so a retry never repeats a digest. When the retries are used up, the event goes to the failure queue (create_notifier_failure_queue) and the failure alarm fires, where there is one."
  type        = number
  nullable    = false
  default     = 2

  validation {
    condition     = contains([0, 1, 2], var.notifier_maximum_retry_attempts)
    error_message = "notifier_maximum_retry_attempts must be 0, 1 or 2 (got ${var.notifier_maximum_retry_attempts})."
  }
}

variable "notifier_log_retention_in_days" {
  description = "Days to keep the function's own logs. 0 keeps them forever."
  type        = number
  nullable    = false
  default     = 30

  validation {
    condition     = contains(local.contract.log_retention_in_days, var.notifier_log_retention_in_days)
    error_message = "notifier_log_retention_in_days must be one of ${join(", ", local.contract.log_retention_in_days)} (0: never expire) (got ${var.notifier_log_retention_in_days})."
  }
}

variable "notifier_log_kms_key_arn" {
  description = "ARN of a KMS key to encrypt the function's own log group with (its policy must let the Logs service use it: the kms_key_policy_json output holds that statement)."
  type        = string
  default     = null

  validation {
    condition     = var.notifier_log_kms_key_arn == null || can(regex(local.contract.patterns.kms_key_arn, var.notifier_log_kms_key_arn))
    error_message = "notifier_log_kms_key_arn must be a KMS key ARN like arn:aws:kms:<region>:<account-id>:key/<key-id> (got ${jsonencode(var.notifier_log_kms_key_arn)})."
  }
}

variable "notifier_kms_key_arn" {
  description = "ARN of a KMS key to encrypt the function's environment with, instead of Lambda's AWS managed key. The environment holds no secret (the webhook URL and the bot token are in SSM); organisations that want every environment under their own key can have it."
  type        = string
  default     = null

  validation {
    condition     = var.notifier_kms_key_arn == null || can(regex(local.contract.patterns.kms_key_arn, var.notifier_kms_key_arn))
    error_message = "notifier_kms_key_arn must be a KMS key ARN like arn:aws:kms:<region>:<account-id>:key/<key-id> (got ${jsonencode(var.notifier_kms_key_arn)})."
  }
}

variable "enable_notifier_tracing" {
  description = "Trace each run with AWS X-Ray (tracing mode Active; X-Ray bills per trace recorded)."
  type        = bool
  nullable    = false
  default     = false
}

variable "notifier_subnet_ids" {
  description = "Subnets to run the function in, when it must run inside your VPC. It calls Logs, SSM, DynamoDB (the state table) and Slack (the internet): those subnets need a NAT gateway, or VPC endpoints for Logs, SSM and DynamoDB and a proxy for Slack. Empty: no VPC."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for subnet in var.notifier_subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", subnet))])
    error_message = "notifier_subnet_ids must be subnet ids like subnet-0a1b2c3d4e5f60718 (got ${jsonencode(var.notifier_subnet_ids)})."
  }
}

variable "notifier_security_group_ids" {
  description = "Security groups of the function in your VPC (with notifier_subnet_ids); they must allow outbound HTTPS."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for group in var.notifier_security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", group))]) && (length(var.notifier_security_group_ids) > 0) == (length(var.notifier_subnet_ids) > 0)
    error_message = "notifier_security_group_ids must be security group ids like sg-0a1b2c3d4e5f60718, given together with notifier_subnet_ids (got ${jsonencode(var.notifier_security_group_ids)})."
  }
}

variable "notifier_code_signing_config_arn" {
  description = "ARN of a Lambda code signing configuration, where the organisation requires signed code. The committed zip is not signed: sign it with AWS Signer and give the signed package's path as notifier_package_path."
  type        = string
  default     = null

  validation {
    condition     = var.notifier_code_signing_config_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:code-signing-config:csc-[a-z0-9]{17}$", var.notifier_code_signing_config_arn))
    error_message = "notifier_code_signing_config_arn must be a code signing configuration ARN like arn:aws:lambda:<region>:<account-id>:code-signing-config:csc-0123456789abcdef0 (got ${jsonencode(var.notifier_code_signing_config_arn)})."
  }
}

variable "notifier_package_path" {
  description = "Path of the function's zip. Defaults to the bundle's committed, deterministic source_code/dist/notifier.zip; give your own build to override."
  type        = string
  default     = null

  validation {
    condition     = var.notifier_package_path == null || endswith(coalesce(var.notifier_package_path, "-"), ".zip")
    error_message = "notifier_package_path must be the path of a .zip file (got ${jsonencode(var.notifier_package_path)})."
  }
}

variable "create_notifier_failure_queue" {
  description = "Create an SQS queue as the function's on-failure destination: a run that could not report its window (after Lambda's retries) leaves its event there for 14 days, and `python -m accesslog_notifier replay` reports exactly that window later."
  type        = bool
  nullable    = false
  default     = false
}

variable "notifier_failure_queue_kms_key_arn" {
  description = "ARN of a KMS key to encrypt the failure queue with; null uses SQS-managed encryption (SSE-SQS)."
  type        = string
  default     = null

  validation {
    condition     = var.notifier_failure_queue_kms_key_arn == null || can(regex(local.contract.patterns.kms_key_arn, var.notifier_failure_queue_kms_key_arn))
    error_message = "notifier_failure_queue_kms_key_arn must be a KMS key ARN like arn:aws:kms:<region>:<account-id>:key/<key-id> (got ${jsonencode(var.notifier_failure_queue_kms_key_arn)})."
  }
}

variable "create_notifier_failure_alarm" {
  description = "Create the alarms that say a window went unreported: Lambda dropped a run's event after its retries (AsyncEventsDropped), and, with the failure queue, windows wait there for replay. They notify notifier_failure_alarm_sns_topic_arn."
  type        = bool
  nullable    = false
  default     = false
}

variable "notifier_failure_alarm_sns_topic_arn" {
  description = "SNS topic for the failure alarm (ALARM and OK), required when create_notifier_failure_alarm is true."
  type        = string
  default     = null

  validation {
    condition     = var.notifier_failure_alarm_sns_topic_arn == null ? !var.create_notifier_failure_alarm : can(regex(local.contract.patterns.sns_topic_arn, var.notifier_failure_alarm_sns_topic_arn))
    error_message = "notifier_failure_alarm_sns_topic_arn must be an SNS topic ARN like arn:aws:sns:<region>:<account-id>:<topic>, required when create_notifier_failure_alarm is true (got ${jsonencode(var.notifier_failure_alarm_sns_topic_arn)})."
  }
}

variable "iam_role_path" {
  description = "IAM path of every role created, where the organisation keeps them under one (like /service-role/)."
  type        = string
  nullable    = false
  default     = "/"

  validation {
    condition     = can(regex(local.contract.patterns.iam_role_path, var.iam_role_path)) && length(var.iam_role_path) <= 512
    error_message = "iam_role_path must start and end with '/' and hold only letters, digits and +=,.@_- between them, like /service-role/ (got \"${var.iam_role_path}\")."
  }
}

variable "iam_role_permissions_boundary_arn" {
  description = "ARN of the managed policy to set as the permissions boundary of every role created, where the organisation requires one."
  type        = string
  default     = null

  validation {
    condition     = var.iam_role_permissions_boundary_arn == null || can(regex(local.contract.patterns.iam_policy_arn, var.iam_role_permissions_boundary_arn))
    error_message = "iam_role_permissions_boundary_arn must be an IAM policy ARN like arn:aws:iam::123456789012:policy/boundary (got ${jsonencode(var.iam_role_permissions_boundary_arn)})."
  }
}

variable "tags" {
  description = "Tags for every taggable resource created."
  type        = map(string)
  nullable    = false
  default     = {}
}

variable "notifier_tags" {
  description = "Extra tags for the notifier function."
  type        = map(string)
  nullable    = false
  default     = {}
}
