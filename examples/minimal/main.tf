# Method 1 only, on an access-log group that already exists: metric filters -> alarms -> SNS topic.
# Subscribe your e-mail, Chatbot or pager to the sns_topic_arn output.
module "api_errors" {
  source = "../../"

  name                   = var.name
  error_status_threshold = 500

  create_account_setting  = false
  create_cloudwatch_role  = false
  create_method_settings  = false
  create_access_log_group = false
  access_log_group_name   = var.access_log_group_name

  create_alarms    = true
  create_4xx_alarm = false
}
