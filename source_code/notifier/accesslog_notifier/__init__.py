"""Reports API Gateway access-log errors to Slack as one digest per scheduled window.

The Lambda entry point is :func:`accesslog_notifier.handler.lambda_handler`; ``python -m accesslog_notifier`` runs the
same check from a laptop. Modules, each with one job:

- ``config``  environment variables -> :class:`~accesslog_notifier.config.Settings` (validated)
- ``window``  which milliseconds a run covers, and how to split a time range
- ``records`` parsing Logs Insights rows and access-log lines into bounded counters and samples
- ``query``   Logs Insights: start, poll, stop, batch log groups, split ranges that hit the row limit
- ``digest``  Slack Block Kit messages within Slack's limits, with all log text escaped
- ``slack``   webhook delivery with Retry-After, backoff and a deadline
- ``handler`` wiring, the per-run summary and the Lambda handler
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
