################################################################################
# The longest Logs Insights query the function will send, measured at plan time
################################################################################

# StartQuery refuses a query string over 10,000 characters (CloudWatch Logs API Reference, StartQuery, queryString:
# "Maximum length of 10000"); every run would then fail. The query strings grow with the ignored routes, so the
# module renders them here exactly as the function does (source_code/notifier/accesslog_notifier/queries.py), with
# the widest window edges a query can name (15-digit milliseconds), and var.ignore_routes refuses a list whose
# longest query would not fit. tests/query_length.tftest.hcl holds cases generated from the Python renderer, so the
# two cannot drift apart.
locals {
  # The access-log fields the queries read, by role, named as the contract names them (so does the function:
  # accesslog_notifier/fields.py).
  query_field  = { for role, field in local.contract.access_log.fields : role => field.name }
  query_routes = distinct(var.ignore_routes)
  # Route values that are ignored whatever the method: HTTP route keys, and the paths of "* /path" rules (REST).
  query_any_method = distinct(flatten([
    for rule in local.query_routes : (
      rule == "$default" ? [rule] :
      startswith(rule, "* ") ? concat([trimprefix(rule, "* ")], [for method in local.contract.route_methods : "${method} ${trimprefix(rule, "* ")}"]) :
      [rule]
    )
  ]))
  # REST paths ignored for one method, by method.
  query_by_method = {
    for rule in local.query_routes : split(" ", rule)[0] => trimprefix(rule, "${split(" ", rule)[0]} ")...
    if rule != "$default" && !startswith(rule, "* ")
  }
  query_condition = length(local.query_any_method) == 0 ? "" : join(" or ", concat(
    ["route in [${join(", ", [for value in local.query_any_method : format("\"%s\"", replace(replace(value, "\\", "\\\\"), "\"", "\\\""))])}]"],
    [
      for method, paths in local.query_by_method :
      format(
        "(%s = \"%s\" and route in [%s])",
        local.query_field.method,
        replace(replace(method, "\\", "\\\\"), "\"", "\\\""),
        join(", ", [for path in paths : format("\"%s\"", replace(replace(path, "\\", "\\\\"), "\"", "\\\""))]),
      )
    ],
  ))
  query_route_field    = "fields coalesce(${local.query_field.route_key}, ${local.query_field.resource_path}) as route"
  query_keep           = "filter not ispresent(${local.query_field.method}) or not ispresent(route) or not (${local.query_condition})"
  query_route_optional = local.query_condition == "" ? [] : [local.query_route_field, local.query_keep]
  query_route_needed   = local.query_condition == "" ? [local.query_route_field] : [local.query_route_field, local.query_keep]
  query_window         = "filter toMillis(@timestamp) >= 253402300799998 and toMillis(@timestamp) < 253402300799999"
  query_rows_limit     = "limit ${local.contract.limits.query_rows}"
  query_statuses       = distinct(var.ignore_statuses)
  query_error_filter   = "filter ${local.query_field.status} >= ${var.error_status_threshold}${length(local.query_statuses) > 0 ? " and ${local.query_field.status} not in [${join(", ", local.query_statuses)}]" : ""}"
  query_sample_rows    = try(tonumber(local.settings.sample_count), 0) * local.contract.limits.sample_rows_per_sample

  query_strings = {
    totals  = join("\n| ", concat([local.query_window], local.query_route_optional, ["stats count(*) as lines, count(${local.query_field.status}) as statuses"]))
    counts  = join("\n| ", concat([local.query_window], local.query_route_needed, ["stats count(*) as requests by bin(1m) as minute, ${local.query_field.status}, ${local.query_field.method}, route", local.query_rows_limit]))
    routes  = join("\n| ", concat([local.query_window], local.query_route_needed, ["stats count(*) as requests by ${local.query_field.status}, ${local.query_field.method}, route", local.query_rows_limit]))
    minutes = join("\n| ", concat([local.query_window], local.query_route_optional, ["stats count(*) as requests by bin(1m) as minute, ${local.query_field.status}", local.query_rows_limit]))
    samples = local.query_sample_rows > 0 ? join("\n| ", concat([local.query_window], local.query_route_optional, [local.query_error_filter, "sort @timestamp desc", "limit ${local.query_sample_rows}", "display @timestamp, @message"])) : ""
  }
  # 0 when the inputs are malformed: their own validations say so.
  longest_query_chars = try(max([for query in values(local.query_strings) : length(query)]...), 0)
}
