terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.88, < 7.0"
    }
  }
}

# Region, credentials and endpoint come from the standard AWS environment (AWS_REGION, AWS_PROFILE, ...),
# unless var.region is set.
provider "aws" {
  region = var.region
}
