"""The reader of the bundle's use of hashicorp/aws (tests/support/tf_usage.py), on small HCL written here, and the
check of that use against small schemas written here in the shape of ``terraform providers schema -json``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.tf_usage import PROVIDER, Use, bundle_usage, check, path_problem, terraform_files, text_usage


def uses(text: str, name: str = "main.tf") -> set[tuple[str, str, str, str]]:
    """The uses in ``text`` as (kind, type, dotted path, form), locations left out."""
    return {(use.kind, use.type, ".".join(use.path), use.form) for use in text_usage(text, name)}


################################################################################
# Arguments and blocks
################################################################################


def test_arguments_and_nested_blocks_of_resources_and_data_sources() -> None:
    found = uses(
        """
        resource "aws_lambda_function" "this" {
          function_name = "f"
          tags          = { team = "x" }
          environment {
            variables = { A = "1" }
          }
        }

        data "aws_iam_policy_document" "this" {
          statement {
            actions = ["s3:GetObject"]
            condition {
              test = "StringEquals"
            }
          }
        }
        """
    )
    assert found == {
        ("resource", "aws_lambda_function", "function_name", "argument"),
        ("resource", "aws_lambda_function", "tags", "argument"),
        ("resource", "aws_lambda_function", "environment", "block"),
        ("resource", "aws_lambda_function", "environment.variables", "argument"),
        ("data", "aws_iam_policy_document", "statement", "block"),
        ("data", "aws_iam_policy_document", "statement.actions", "argument"),
        ("data", "aws_iam_policy_document", "statement.condition", "block"),
        ("data", "aws_iam_policy_document", "statement.condition.test", "argument"),
    }


def test_meta_arguments_are_not_the_providers_but_the_same_names_nested_are() -> None:
    found = uses(
        """
        resource "aws_sqs_queue" "this" {
          count      = 1
          for_each   = {}
          provider   = aws.other
          depends_on = []
          name       = "q"
          lifecycle {
            create_before_destroy = true
            precondition {
              condition     = true
              error_message = "x"
            }
          }
          provisioner "local-exec" {
            command = "true"
          }
          connection {
            host = "h"
          }
          redrive_policy {
            count = 2
          }
        }
        """
    )
    assert found == {
        ("resource", "aws_sqs_queue", "name", "argument"),
        ("resource", "aws_sqs_queue", "redrive_policy", "block"),
        ("resource", "aws_sqs_queue", "redrive_policy.count", "argument"),
    }


def test_a_dynamic_block_stands_for_the_block_it_writes_at_any_depth() -> None:
    found = uses(
        """
        data "aws_iam_policy_document" "this" {
          dynamic "statement" {
            for_each = var.keys
            iterator = key
            content {
              resources = [key.value]
              dynamic condition {
                for_each = [1]
                content {
                  variable = "kms:ViaService"
                }
              }
            }
          }
        }
        """
    )
    assert found == {
        ("data", "aws_iam_policy_document", "statement", "block"),
        ("data", "aws_iam_policy_document", "statement.resources", "argument"),
        ("data", "aws_iam_policy_document", "statement.condition", "block"),
        ("data", "aws_iam_policy_document", "statement.condition.variable", "argument"),
    }


def test_only_hashicorp_aws_types_are_read() -> None:
    found = uses(
        """
        resource "random_id" "suffix" {
          byte_length = 4
        }
        data "archive_file" "zip" {
          type = "zip"
        }
        output "x" {
          value = random_id.suffix.hex
        }
        """
    )
    assert found == set()


def test_a_scoped_data_source_in_a_check_block_is_read() -> None:
    found = uses(
        """
        check "health" {
          data "aws_lambda_function" "probe" {
            function_name = "f"
          }
          assert {
            condition     = data.aws_lambda_function.probe.state == "Active"
            error_message = "x"
          }
        }
        """
    )
    assert found == {
        ("data", "aws_lambda_function", "function_name", "argument"),
        ("data", "aws_lambda_function", "state", "reference"),
    }


################################################################################
# References
################################################################################


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("aws_sqs_queue.q.arn", ("resource", "aws_sqs_queue", "arn")),
        ("aws_sqs_queue.q[0].arn", ("resource", "aws_sqs_queue", "arn")),
        ('aws_sqs_queue.q["k"].arn', ("resource", "aws_sqs_queue", "arn")),
        ("one(aws_sqs_queue.q[*].arn)", ("resource", "aws_sqs_queue", "arn")),
        ("aws_sqs_queue.q.*.arn", ("resource", "aws_sqs_queue", "arn")),
        ("aws_sqs_queue.q.0.arn", ("resource", "aws_sqs_queue", "arn")),
        ("(aws_sqs_queue.q).arn", ("resource", "aws_sqs_queue", "arn")),
        ("data.aws_region.current.id", ("data", "aws_region", "id")),
        ("data.aws_region.current[0].id", ("data", "aws_region", "id")),
        ('"${data.aws_partition.p.partition}:x"', ("data", "aws_partition", "partition")),
        ("var.on ? [aws_sns_topic.t.arn] : []", ("resource", "aws_sns_topic", "arn")),
        ('aws_iam_role.r.tags["team"]', ("resource", "aws_iam_role", "tags")),
        ("aws_iam_role.r.tags.team", ("resource", "aws_iam_role", "tags.team")),
        (
            'aws_cloudwatch_log_metric_filter.f["4xx"].metric_transformation[0].name',
            ("resource", "aws_cloudwatch_log_metric_filter", "metric_transformation.name"),
        ),
        (
            "aws_lambda_function.f.environment[0].variables.LOG_LEVEL",
            ("resource", "aws_lambda_function", "environment.variables"),
        ),
        ("var.list[aws_sqs_queue.q.name]", ("resource", "aws_sqs_queue", "name")),
    ],
)
def test_each_form_of_reference_names_the_attribute_it_reads(expression: str, expected: tuple[str, ...]) -> None:
    found = {
        (kind, type_name, path) for kind, type_name, path, form in uses(f"x = {expression}\n") if form == "reference"
    }
    assert found == {expected}


@pytest.mark.parametrize(
    "expression",
    [
        "aws_sqs_queue.q",  # the whole resource: no attribute read
        "aws_sqs_queue.q[*]",
        "data.aws_region.current",
        "module.notifier.function_arn",
        "module.notifier[0].aws_sqs_queue",
        "var.aws_sqs_queue.arn",
        "local.aws_sqs_queue.arn",
        '"aws_sqs_queue.q.arn is text"',
    ],
)
def test_what_reads_no_attribute_of_a_resource_is_not_a_use(expression: str) -> None:
    assert uses(f"x = {expression}\n") == set()


def test_a_for_expression_over_instances_reads_through_its_value_variable() -> None:
    found = uses(
        """
        output "a" {
          value = { for class, filter in aws_cloudwatch_log_metric_filter.this : class => filter.pattern }
        }
        output "b" {
          value = [for alarm in concat(aws_cloudwatch_metric_alarm.a, aws_cloudwatch_metric_alarm.b) : alarm.arn]
        }
        output "c" {
          value = [for f in aws_cloudwatch_log_metric_filter.this : f.metric_transformation[0].name if f.name != ""]
        }
        output "not_an_instance" {
          value = [for arn in aws_sns_topic.t.tags : arn.whatever]
        }
        output "shadowed" {
          value = [for filter in var.filters : filter.pattern2]
        }
        """
    )
    assert found == {
        ("resource", "aws_cloudwatch_log_metric_filter", "pattern", "reference"),
        ("resource", "aws_cloudwatch_metric_alarm", "arn", "reference"),
        ("resource", "aws_cloudwatch_log_metric_filter", "metric_transformation.name", "reference"),
        ("resource", "aws_cloudwatch_log_metric_filter", "name", "reference"),
        ("resource", "aws_sns_topic", "tags", "reference"),
    }


def test_self_in_a_resources_condition_reads_that_resource() -> None:
    found = uses(
        """
        resource "aws_lambda_function" "this" {
          lifecycle {
            postcondition {
              condition     = self.last_modified != ""
              error_message = "x"
            }
          }
        }
        """
    )
    assert found == {("resource", "aws_lambda_function", "last_modified", "reference")}


def test_references_in_a_heredoc_are_read_with_their_line() -> None:
    text = "x = <<-EOT\n  arn ${aws_sns_topic.t.arn}\n  literal $${aws_sqs_queue.q.url}\n  EOT\n"
    usage = text_usage(text, "heredoc.tf")
    assert usage == {Use("resource", "aws_sns_topic", ("arn",), "reference"): {"heredoc.tf:2"}}


def test_each_use_keeps_every_file_and_line_it_occurs_on() -> None:
    text = 'resource "aws_sqs_queue" "q" {\n  name = "a"\n}\n\noutput "u" {\n  value = aws_sqs_queue.q.url\n}\n'
    assert text_usage(text, "modules/x/main.tf") == {
        Use("resource", "aws_sqs_queue", ("name",), "argument"): {"modules/x/main.tf:2"},
        Use("resource", "aws_sqs_queue", ("url",), "reference"): {"modules/x/main.tf:6"},
    }


################################################################################
# Test and mock files
################################################################################


def test_mocks_overrides_and_assertions_of_test_files() -> None:
    found = uses(
        """
        mock_provider "aws" {
          mock_data "aws_region" {
            defaults = { id = "eu-west-1", "name" = "eu-west-1" }
          }
          override_resource {
            target = aws_iam_role.this
            values = { arn = "arn:aws:iam::123456789012:role/x" }
          }
        }

        run "wired" {
          command = plan

          override_data {
            target = data.aws_caller_identity.current
            values = { account_id = "123456789012" }
          }

          override_resource {
            target          = module.alarms[0].aws_cloudwatch_metric_alarm.this["5xx"]
            override_during = plan
            values          = { arn = "arn:x" }
          }

          assert {
            condition     = aws_lambda_function.this.environment[0].variables["A"] == "1"
            error_message = "aws_sqs_queue.q.arn in a message is text"
          }

          expect_failures = [var.name, aws_sqs_queue.q]
        }
        """,
        "tests/x.tftest.hcl",
    )
    assert found == {
        ("data", "aws_region", "id", "value"),
        ("data", "aws_region", "name", "value"),
        ("resource", "aws_iam_role", "arn", "value"),
        ("data", "aws_caller_identity", "account_id", "value"),
        ("resource", "aws_cloudwatch_metric_alarm", "arn", "value"),
        ("resource", "aws_lambda_function", "environment.variables", "reference"),
    }


def test_a_mock_file_is_read() -> None:
    found = uses('mock_resource "aws_sns_topic" {\n  defaults = {\n    arn = "arn:x"\n  }\n}\n', "aws.tfmock.hcl")
    assert found == {("resource", "aws_sns_topic", "arn", "value")}


def test_the_files_read_are_terraform_test_and_mock_files_outside_hidden_folders(tmp_path: Path) -> None:
    wanted = ["main.tf", "modules/m/main.tf", "modules/m/tests/m.tftest.hcl", "tests/terraform/mocks/aws.tfmock.hcl"]
    unwanted = [".terraform/modules/x/main.tf", ".venv/lib/x.tf", "notes.hcl", "main.tf.json", "README.md"]
    for name in wanted + unwanted:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text('resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    assert [str(path.relative_to(tmp_path)) for path in terraform_files(tmp_path)] == sorted(wanted)
    assert bundle_usage(tmp_path) == {
        Use("resource", "aws_sqs_queue", ("name",), "argument"): {f"{name}:2" for name in wanted}
    }


################################################################################
# The check
################################################################################

# A schema written for these tests, in terraform providers schema -json's shape.
SCHEMA = {
    "format_version": "1.0",
    "provider_schemas": {
        PROVIDER: {
            "resource_schemas": {
                "aws_lambda_function": {
                    "block": {
                        "attributes": {
                            "arn": {"computed": True},
                            "function_name": {"required": True},
                            "tags": {"optional": True},
                        },
                        "block_types": {
                            "logging_config": {
                                "nesting_mode": "list",
                                "max_items": 1,
                                "block": {"attributes": {"log_format": {"required": True}}},
                            },
                        },
                    }
                },
            },
            "data_source_schemas": {
                "aws_region": {"block": {"attributes": {"id": {"computed": True, "optional": True}}}},
            },
        }
    },
}


def resource(path: str, form: str) -> Use:
    return Use("resource", "aws_lambda_function", tuple(path.split(".")), form)


@pytest.mark.parametrize(
    ("use", "reason"),
    [
        (resource("function_name", "argument"), None),
        (resource("logging_config", "block"), None),
        (resource("logging_config.log_format", "argument"), None),
        (resource("arn", "reference"), None),
        (resource("tags.team", "reference"), None),  # into an attribute's value: not the schema's business
        (resource("logging_config.log_format", "reference"), None),
        (resource("logging_config", "reference"), None),
        (resource("arn", "value"), None),
        (resource("reset_on_delete", "argument"), "no reset_on_delete in this schema"),
        (resource("logging_config.log_level", "argument"), "no logging_config.log_level in this schema"),
        (resource("logging_config.log_level", "reference"), "no logging_config.log_level in this schema"),
        (resource("tags", "block"), "tags is an attribute in this schema, written as a block"),
        (resource("tags.team", "argument"), "tags is an attribute in this schema, written as a block"),
        (resource("logging_config", "argument"), "logging_config is a block in this schema, set as an argument"),
        (resource("arn", "argument"), "arn is read-only (computed) in this schema, set as an argument"),
        (resource("region", "reference"), "no region in this schema"),
    ],
)
def test_the_check_follows_blocks_and_tells_attributes_from_blocks(use: Use, reason: str | None) -> None:
    block = SCHEMA["provider_schemas"][PROVIDER]["resource_schemas"]["aws_lambda_function"]["block"]
    assert path_problem(block, use.path, use.form) == reason


def test_the_check_reports_each_missing_use_with_its_locations() -> None:
    usage = {
        resource("function_name", "argument"): {"a.tf:1"},
        resource("reset_on_delete", "argument"): {"b.tf:9", "a.tf:3"},
        Use("data", "aws_region", ("region",), "reference"): {"c.tf:4"},
        Use("data", "aws_region", ("id",), "reference"): {"c.tf:5"},
    }
    assert [str(problem) for problem in check(usage, SCHEMA)] == [
        "data aws_region: reference region: no region in this schema (c.tf:4)",
        "resource aws_lambda_function: argument reset_on_delete: no reset_on_delete in this schema (a.tf:3, b.tf:9)",
    ]


def test_a_type_missing_from_a_live_schema_is_absent_from_the_provider() -> None:
    problems = check({Use("resource", "aws_vpc", ("cidr_block",), "argument"): {"a.tf:1"}}, SCHEMA)
    assert [problem.reason for problem in problems] == ["no resource type aws_vpc in this schema"]


def test_a_type_missing_from_an_extract_says_whether_refreshing_it_would_help() -> None:
    extract = {**SCHEMA, "source": {"selection": {"prefixes": ["aws_lambda_"], "data_sources": ["aws_region"]}}}
    usage = {
        Use("resource", "aws_lambda_capacity_thing", ("name",), "argument"): {"a.tf:1"},
        Use("resource", "aws_vpc", ("cidr_block",), "argument"): {"a.tf:2"},
        Use("data", "aws_caller_identity", ("account_id",), "reference"): {"a.tf:3"},
    }
    reasons = {problem.use.type: problem.reason for problem in check(usage, extract)}
    assert reasons == {
        # Inside the selection: the extract holds every such type, so this provider version has none by that name.
        "aws_lambda_capacity_thing": "no resource type aws_lambda_capacity_thing in this schema",
        "aws_vpc": "type not extracted: add it to PREFIXES or DATA_SOURCES in tools/provider_schema.py and run "
        "`make provider-schemas`",
        "aws_caller_identity": "type not extracted: add it to PREFIXES or DATA_SOURCES in tools/provider_schema.py "
        "and run `make provider-schemas`",
    }
