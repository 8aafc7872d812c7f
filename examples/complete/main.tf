################################################################################
# The API's backend: a Lambda proxy integration that logs one JSON line per request
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

  statement {
    sid       = "SendTraces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "backend" {
  name   = "logs-and-traces"
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

  tracing_config {
    mode = "Active"
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.backend, aws_iam_role_policy.backend]
}

################################################################################
# The REST API: one resource, proxied to the backend
################################################################################

resource "aws_api_gateway_rest_api" "this" {
  name        = var.name
  description = "Example API for the API Gateway logging bundle."

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = var.tags
}

resource "aws_api_gateway_resource" "orders" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "orders"
}

resource "aws_api_gateway_method" "orders_any" {
  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = aws_api_gateway_resource.orders.id
  http_method   = "ANY"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "orders_backend" {
  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_resource.orders.id
  http_method             = aws_api_gateway_method.orders_any.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.backend.invoke_arn
}

resource "aws_lambda_permission" "apigateway_invokes_backend" {
  statement_id  = "AllowAPIGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.backend.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/*/*/orders"
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  # Redeploy whenever the API's shape changes.
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.orders.id,
      aws_api_gateway_method.orders_any.id,
      aws_api_gateway_integration.orders_backend.id,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "this" {
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = "prod"
  xray_tracing_enabled = true

  access_log_settings {
    # This output waits for the account setting, which API Gateway requires before it accepts access logging.
    destination_arn = module.api_logging.access_log_destination_arn
    format          = module.api_logging.access_log_format
  }

  tags = var.tags
}

################################################################################
# Logging and error reporting for the stage: everything on except Chatbot (it needs a real Slack workspace)
################################################################################

module "api_logging" {
  source = "../../"

  name        = var.name
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name

  create_account_setting  = var.create_account_setting
  create_cloudwatch_role  = var.create_account_setting
  create_method_settings  = true
  logging_level           = "INFO"
  metrics_enabled         = true
  create_access_log_group = true
  create_alarms           = true
  create_chatbot_channel  = false
  create_notifier         = true
  slack_webhook_url       = var.slack_webhook_url
  # Runs that could not report their window wait here for `python -m accesslog_notifier replay`.
  create_notifier_failure_queue = true
  # A digest of the alarm's period as soon as a 4xx/5xx alarm fires, besides the scheduled ones.
  enable_alarm_digest = true
  # A route nobody should be paged for (here: deleting orders, say a batch job's expected conflicts): neither the
  # alarms nor the notifier count it.
  ignore_routes = ["DELETE /orders"]

  tags = var.tags
}
