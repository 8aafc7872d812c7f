terraform {
  # 1.11: write-only attributes (the webhook URL never reaches plan or state); 1.10: ephemeral variables;
  # 1.9: validations that refer to other objects.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.88: write-only value_wo on aws_ssm_parameter (the webhook URL). Below 6.0: 6.0 removed reset_on_delete,
      # which 5.x needs so that destroy resets the API Gateway account setting; only 5.x (5.100) is tested.
      version = ">= 5.88, < 6.0"
    }
  }
}
