data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  create_role = var.existing_role_arn == null
  role_name   = coalesce(var.role_name, "apigateway-cloudwatch-${data.aws_region.current.id}")
}

data "aws_iam_policy_document" "apigateway_assume_role" {
  count = local.create_role ? 1 : 0

  statement {
    sid     = "APIGatewayPushesLogs"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  count = local.create_role ? 1 : 0

  name                 = local.role_name
  path                 = var.role_path
  description          = "Lets API Gateway write execution and access logs to CloudWatch Logs in ${data.aws_region.current.id}."
  assume_role_policy   = one(data.aws_iam_policy_document.apigateway_assume_role[*].json)
  permissions_boundary = var.role_permissions_boundary_arn

  tags = merge(var.tags, var.role_tags)
}

resource "aws_iam_role_policy_attachment" "push_to_cloudwatch_logs" {
  count = local.create_role ? 1 : 0

  role       = one(aws_iam_role.this[*].name)
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

resource "aws_api_gateway_account" "this" {
  count = var.manage_account_setting ? 1 : 0

  cloudwatch_role_arn = local.create_role ? one(aws_iam_role.this[*].arn) : var.existing_role_arn

  # API Gateway checks the role's permissions when the setting is written: attach the policy first.
  depends_on = [aws_iam_role_policy_attachment.push_to_cloudwatch_logs]
}
