# An HTTP API whose errors reach Slack through a Slack app: one thread per incident, its parent message updated in
# place as the incident grows, @here when it turns critical, nothing posted at night. The incidents, the windows
# already reported and what the quiet hours held live in the notifier's DynamoDB state table.

################################################################################
# The API's backend: the same Lambda as examples/http-api
################################################################################

data "aws_iam_policy_document" "backend_assume_role" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "backend" {
  name               = "${var.name}-backend"
  assume_role_policy = data.aws_iam_policy_document.backend_assume_role.json

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "backend" {
  name              = "/aws/lambda/${var.name}-backend"
  retention_in_days = 30

  tags = var.tags
}

data "aws_iam_policy_document" "backend" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.backend.arn}:*"]
  }
}

resource "aws_iam_role_policy" "backend" {
  name   = "logs"
  role   = aws_iam_role.backend.id
  policy = data.aws_iam_policy_document.backend.json
}

resource "aws_lambda_function" "backend" {
  function_name    = "${var.name}-backend"
  role             = aws_iam_role.backend.arn
  runtime          = "python3.12"
  handler          = "backend.handler"
  filename         = "${path.module}/../../source_code/dist/backend.zip"
  source_code_hash = filebase64sha256("${path.module}/../../source_code/dist/backend.zip")
  timeout          = 10

  environment {
    variables = { LOG_LEVEL = "INFO" }
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.backend, aws_iam_role_policy.backend]
}

################################################################################
# The HTTP API: two routes proxied to the backend
################################################################################

resource "aws_apigatewayv2_api" "this" {
  name          = var.name
  description   = "Example HTTP API whose errors reach Slack through a Slack app."
  protocol_type = "HTTP"

  tags = var.tags
}

resource "aws_apigatewayv2_integration" "backend" {
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.backend.invoke_arn
  payload_format_version = "1.0"
}

resource "aws_apigatewayv2_route" "this" {
  for_each = toset(["GET /items/{id}", "POST /orders"])

  api_id    = aws_apigatewayv2_api.this.id
  route_key = each.key
  target    = "integrations/${aws_apigatewayv2_integration.backend.id}"
}

resource "aws_lambda_permission" "apigateway_invokes_backend" {
  statement_id  = "AllowAPIGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.backend.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/*"
}

resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  access_log_settings {
    destination_arn = module.api_logging.access_log_destination_arn
    format          = module.api_logging.access_log_format
  }

  tags = var.tags
}

################################################################################
# Logging, alarms and the notifier, posting as a Slack app
################################################################################

module "api_logging" {
  source = "../../"

  name        = var.name
  api_type    = "HTTP"
  http_api_id = aws_apigatewayv2_api.this.id
  stage_name  = "$default"

  # HTTP APIs have no execution logs (so no method settings) and need no account-level CloudWatch role.
  create_account_setting = false
  create_cloudwatch_role = false
  create_method_settings = false

  # The alarms also start a digest at once (enable_alarm_digest), in the incident's thread.
  create_alarms       = true
  create_notifier     = true
  enable_alarm_digest = true

  # The Slack app: its bot token goes to an SSM SecureString (write-only, never in the state); the function posts
  # to the channel and keeps its incidents in the state table the module creates.
  slack_delivery   = "app"
  slack_bot_token  = var.slack_bot_token
  slack_channel_id = var.slack_channel_id
  slack_api_url    = var.slack_api_url

  notifier_settings = {
    # An incident is critical when 5% of a window's requests fail with 5xx: @here once, in its thread.
    critical_5xx_rate_percent = 5
    critical_mention          = "here"
    # Resolved after three windows (15 minutes) without errors.
    incident_quiet_windows = 3
    quiet_hours            = var.quiet_hours
  }

  tags = var.tags
}
