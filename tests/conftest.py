"""Fixtures that start real servers live here, once: moto's server for AWS and an HTTP receiver for Slack.

Markers say which tests start servers (``-m "not moto"`` runs without the emulator): a test that starts moto's
server must be marked ``moto``, one that starts a Slack receiver ``slack_receiver``, and one that drives terraform
or moto ``integration``. The hooks at the end enforce it while the servers start, so a forgotten marker fails the
test that forgot it instead of being discovered by someone's ``-m`` selection.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest
from apigw_devkit.moto_server import MotoServer, aws_environment
from apigw_devkit.slack_api import SlackApiStandIn
from apigw_devkit.slack_receiver import SlackReceiver
from apigw_devkit.tfcli import terraform_environment

REPO_ROOT = Path(__file__).resolve().parent.parent
# What real AWS and Slack answer where moto differs: data files of this repository (see their README).
FIXTURES_DIR = REPO_ROOT / "tests" / "fixtures"
REGION = "us-east-1"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES_DIR


@pytest.fixture(scope="session")
def load_fixture(fixtures_dir: Path):
    def load(name: str):
        return json.loads((fixtures_dir / name).read_text())

    return load


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """One moto server for the whole session, on a free 127.0.0.1 port."""
    log_path = tmp_path_factory.mktemp("moto") / "moto.log"
    server = MotoServer(log_path=str(log_path))
    server.start()
    yield server
    server.stop()


def _clean_emulator_environment(moto_server: MotoServer, patch: pytest.MonkeyPatch) -> dict[str, str]:
    """Reset the emulator and point the standard AWS environment at it; returns that environment."""
    moto_server.reset()
    env = aws_environment(moto_server.endpoint_url, REGION)
    for name, value in env.items():
        patch.setenv(name, value)
    patch.delenv("AWS_PROFILE", raising=False)
    return env


@pytest.fixture
def aws(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A clean emulator and the standard AWS environment pointing at it, for one test."""
    return _clean_emulator_environment(moto_server, monkeypatch)


@pytest.fixture
def boto_session(aws: dict[str, str]) -> boto3.session.Session:
    """A boto3 session bound to the emulator (endpoint from AWS_ENDPOINT_URL)."""
    return boto3.session.Session(region_name=REGION)


@pytest.fixture
def slack_receiver() -> Iterator[SlackReceiver]:
    """A real HTTP server on 127.0.0.1 that records webhook posts and answers 200 ok unless scripted."""
    with SlackReceiver() as receiver:
        yield receiver


@pytest.fixture
def slack_api() -> Iterator[SlackApiStandIn]:
    """A real HTTP server on 127.0.0.1 standing in for Slack's Web API (auth.test, chat.postMessage, chat.update)."""
    with SlackApiStandIn() as api:
        yield api


@pytest.fixture(scope="session")
def terraform_env() -> dict[str, str]:
    """Environment for terraform: the project's own CLI config (provider mirror when the machine has one)."""
    return terraform_environment()


@pytest.fixture(scope="module")
def module_aws(moto_server: MotoServer) -> Iterator[dict[str, str]]:
    """Like `aws`, for a whole test module that shares one deployment: reset once, environment set throughout."""
    with pytest.MonkeyPatch.context() as patch:
        yield _clean_emulator_environment(moto_server, patch)


################################################################################
# Markers say which tests start servers
################################################################################

# The test being set up, run or torn down; servers started meanwhile are started for it.
_running: list[pytest.Item] = []
# Marker a test needs for each kind of server it starts.
SERVER_MARKERS = {
    MotoServer: ("moto", "integration"),
    SlackReceiver: ("slack_receiver",),
    SlackApiStandIn: ("slack_receiver",),
}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    _running.append(item)
    try:
        return (yield)
    finally:
        _running.pop()


def _requiring_markers(server_class: type, start: Callable) -> Callable:
    def checked_start(self, *args, **kwargs):
        if _running:
            item = _running[-1]
            missing = [name for name in SERVER_MARKERS[server_class] if item.get_closest_marker(name) is None]
            if missing:
                raise pytest.UsageError(
                    f"{item.nodeid} starts {server_class.__name__} but is not marked {', '.join(missing)}: add "
                    f"pytestmark = [pytest.mark.{', pytest.mark.'.join(SERVER_MARKERS[server_class])}] to its module"
                )
        return start(self, *args, **kwargs)

    return checked_start


def pytest_configure(config: pytest.Config) -> None:
    for server_class in SERVER_MARKERS:
        server_class.start = _requiring_markers(server_class, server_class.start)
