"""Reports API Gateway access-log errors to Slack: one digest per scheduled window, or per alarm.

The Lambda entry point is :func:`accesslog_notifier.handler.lambda_handler`; ``python -m accesslog_notifier`` runs
the same check from a laptop and replays windows a deployed notifier could not report. Laid out as the data flows,
with AWS and HTTP at the edges:

- ``contract``   the contract shared with the Terraform modules (contract/contract.json; a copy in the zip)
- ``config``     environment -> Settings, checked against the contract
- ``events``     what invoked the function -> the window to report (schedule, alarm, person)
- ``window``     windows of epoch milliseconds
- ``queries``    the Logs Insights query strings of a window (the counts come from Insights)
- ``insights``   edge: start the queries, bounded, poll them together, stop them at the deadline
- ``aggregate``  query results -> totals, rates, per-minute errors, samples
- ``records``    reading statuses, timestamps and log lines; making log text safe
- ``digest``     totals -> Slack Block Kit messages within Slack's limits
- ``links``      console links, per partition
- ``slack``      edge: webhook delivery (rate limits, retries, no redirects, the URL redacted everywhere)
- ``webhook``    edge: the webhook URL from its SSM SecureString
- ``metrics``    the run's CloudWatch metrics in embedded metric format
- ``handler``    wiring, the run summary, the Lambda handler
"""
