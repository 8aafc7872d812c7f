################################################################################
# The state table: incidents, the windows reported, mutes and what was muted
################################################################################

# Items are keyed by the notifier's scope (pk: its log groups, hashed, so one table may serve several notifiers) and
# what they are (sk: "incident", "window#...", "mute", "muted"). The function sets expires_at (epoch seconds) on
# every item that may go, and TTL deletes it, within a few days of that time (DynamoDB Developer Guide, "Using time
# to live"), so the table stays small without a cleanup job. On demand: a few reads and writes per run.
resource "aws_dynamodb_table" "this" {
  #checkov:skip=CKV_AWS_119:DynamoDB encrypts every table at rest, by default with an AWS owned key (DynamoDB Developer Guide, "Encryption at rest"); the table holds incident counts and Slack message ids, no secret. state_table_kms_key_arn uses your customer managed key instead.
  #checkov:skip=CKV_AWS_28:Point-in-time recovery is an input (enable_state_table_point_in_time_recovery), off by default: the state is short-lived (windows and mutes expire in days), and losing it only means the next incident opens a new thread.
  count = var.create_state_table ? 1 : 0

  name         = local.state_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  # Without a key the block is left out: DynamoDB's default encryption (an AWS owned key), which the provider reads
  # back as no block, so a second plan shows no change.
  dynamic "server_side_encryption" {
    for_each = var.state_table_kms_key_arn == null ? [] : [var.state_table_kms_key_arn]

    content {
      enabled     = true
      kms_key_arn = server_side_encryption.value
    }
  }

  point_in_time_recovery {
    enabled = var.enable_state_table_point_in_time_recovery
  }

  tags = merge(var.tags, var.state_table_tags)
}
