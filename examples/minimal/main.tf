# Method 1 only, on an access-log group that already exists: metric filters -> alarms -> SNS topic.
# Subscribe your e-mail, Chatbot or pager to the sns_topic_arn output.
module "api_errors" {
  source = "../../"

  name                   = var.name
  error_status_threshold = 500

  manage_account_setting   = false
  enable_execution_logging = false
  create_access_log_group  = false
  access_log_group_name    = var.access_log_group_name

  enable_alarm     = true
  enable_4xx_alarm = false
}
