"""The notifier's DynamoDB state table as modules/notifier creates it (state_table.tf: partition key ``pk`` and sort
key ``sk``, both strings, on demand), for the demo, the benchmarks and the tests. TTL is AWS's to run: nothing here
needs it."""

from __future__ import annotations

from typing import Any

KEYS = (("pk", "HASH"), ("sk", "RANGE"))


def create_state_table(dynamodb: Any, name: str) -> None:
    """Create the table ``name`` with ``dynamodb`` (a boto3 client)."""
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": key, "KeyType": kind} for key, kind in KEYS],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"} for key, _ in KEYS],
        BillingMode="PAY_PER_REQUEST",
    )
