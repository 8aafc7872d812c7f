terraform {
  # 1.9: validations that refer to other variables.
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.61 added aws_chatbot_slack_channel_configuration (used by the error-alarm module); 7.x is untested.
      version = ">= 5.61, < 7.0"
    }
  }
}
