terraform {
  # 1.11: write-only attributes (the webhook URL never reaches plan or state); 1.10: ephemeral variables;
  # 1.9: validations that refer to other objects.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.88: write-only value_wo on aws_ssm_parameter (the webhook URL). Every argument and attribute used here
      # exists in 5.x and 6.x alike (tests/integration/test_provider_schema.py checks 5.100 live, 6.0.0 and 6.69.1
      # against committed schema extracts); add none that only one major has while both are supported.
      version = ">= 5.88, < 7.0"
    }
  }
}
