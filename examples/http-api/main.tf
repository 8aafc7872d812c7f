# An HTTP API (API Gateway v2) with a Lambda backend, its access logs, both methods, the alarm digest and noise
# controls. HTTP APIs have no execution logs and need no account-level CloudWatch role: neither is created.

################################################################################
# The API's backend: the same Lambda as examples/complete
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
# The HTTP API: two routes and a health check, proxied to the backend
################################################################################

resource "aws_apigatewayv2_api" "this" {
  name          = var.name
  description   = "Example HTTP API for the API Gateway logging bundle."
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
  for_each = toset(["GET /items/{id}", "POST /orders", "GET /health"])

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

  # HTTP APIs take their metrics and throttling here, on the stage: the module says what from its inputs.
  default_route_settings {
    detailed_metrics_enabled = module.api_logging.default_route_settings.detailed_metrics_enabled
    throttling_burst_limit   = module.api_logging.default_route_settings.throttling_burst_limit
    throttling_rate_limit    = module.api_logging.default_route_settings.throttling_rate_limit
  }

  tags = var.tags
}

################################################################################
# Logging and error reporting for the stage
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

  metrics_enabled        = true
  throttling_burst_limit = 100
  throttling_rate_limit  = 50

  # Noise controls, one definition for both methods: scanners' 404s and the health check never count.
  ignore_statuses = [404]
  ignore_routes   = ["GET /health"]

  create_alarms                    = true
  create_error_rate_alarms         = true
  alarm_5xx_rate_threshold_percent = 5
  create_notifier                  = true
  enable_alarm_digest              = true
  slack_webhook_url                = var.slack_webhook_url
  notifier_settings                = { min_errors = 1 }

  tags = var.tags
}
