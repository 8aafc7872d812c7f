data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  # Formats shared by every module (ARNs, paths, retention days) are declared once, beside the notifier's settings.
  contract             = jsondecode(file("${path.module}/../../contract/contract.json"))
  cloudwatch_role_name = coalesce(var.cloudwatch_role_name, "apigateway-cloudwatch-${data.aws_region.current.id}")
  cloudwatch_role_arn  = var.create_cloudwatch_role ? one(aws_iam_role.this[*].arn) : var.cloudwatch_role_arn
}

data "aws_iam_policy_document" "apigateway_assume_role" {
  count = var.create_cloudwatch_role ? 1 : 0

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
  count = var.create_cloudwatch_role ? 1 : 0

  name                 = local.cloudwatch_role_name
  path                 = var.iam_role_path
  description          = "Lets API Gateway write execution and access logs to CloudWatch Logs in ${data.aws_region.current.id}."
  assume_role_policy   = one(data.aws_iam_policy_document.apigateway_assume_role[*].json)
  permissions_boundary = var.iam_role_permissions_boundary_arn

  tags = merge(var.tags, var.cloudwatch_role_tags)
}

resource "aws_iam_role_policy_attachment" "push_to_cloudwatch_logs" {
  count = var.create_cloudwatch_role ? 1 : 0

  role       = one(aws_iam_role.this[*].name)
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

resource "aws_api_gateway_account" "this" {
  count = var.create_account_setting ? 1 : 0

  cloudwatch_role_arn = local.cloudwatch_role_arn
  # No reset_on_delete: provider 6.0 removed it and always resets the setting on destroy (upgrade guide, "Resource
  # aws_api_gateway_account"); 5.x keeps the setting on destroy unless told otherwise. One source serves both
  # majors, so 5.x users who want the reset own the setting themselves (README.md, "What happens on destroy").

  # API Gateway checks the role's permissions when the setting is written: attach the policy first.
  depends_on = [aws_iam_role_policy_attachment.push_to_cloudwatch_logs]
}
