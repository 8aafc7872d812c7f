"""moto's server on a free 127.0.0.1 port, with the fidelity fixes this project needs.

Run as a program (``python -m apigw_devkit.moto_server``) it binds port 0, prints ``{"port": N}`` on its first
stdout line and serves until stopped. :class:`MotoServer` starts that program, reads the port and stops it again.

The fixes, each where moto differs from AWS in a way that breaks a correct configuration:

- moto 5.2 drops a Lambda function's ``LoggingConfig`` (it neither stores nor returns it), so every second
  ``terraform plan`` of a function with ``logging_config`` would show a change that AWS would not. The patch stores
  what CreateFunction/UpdateFunctionConfiguration send and returns it the way AWS does (``LogFormat`` ``Text`` and
  the function's default log group when nothing was sent).
- moto 5.2 answers 500 to an UpdateAccount patch operation without a ``value``. The AWS provider resets the API
  Gateway account setting on destroy (``reset_on_delete``, documented as "destroying the resource will reset account
  settings to default") with exactly that: ``replace /cloudwatchRoleArn`` and no value (seen in the provider's
  request log). The patch clears the role, which is what the reset means.
- moto 5.2 gives HTTP APIs 8-letter ids; AWS's API ids are 10 characters (``a1b2c3d4e5`` in every API Gateway
  example), which the modules check to catch a name given for an id. The patch lengthens the id before anything
  refers to it.
- moto 5.2 ignores Logs Insights' ``filter`` and ``stats``: moto_insights.py (this package) answers StartQuery,
  GetQueryResults and StopQuery with the query-language engine of logs_insights.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from apigw_devkit import moto_insights

REPO_ROOT = Path(__file__).resolve().parents[2]
MANAGED_POLICIES_ENV = {"MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}


def _patch_lambda_logging_config() -> None:
    from moto.awslambda import models

    function_class = models.LambdaFunction
    original_init = function_class.__init__
    original_get_configuration = function_class.get_configuration
    original_update_configuration = function_class.update_configuration

    def default_logging_config(function: Any) -> dict[str, Any]:
        return {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{function.function_name}"}

    def merged(function: Any, sent: dict[str, Any] | None) -> dict[str, Any]:
        config = default_logging_config(function)
        config.update(sent or {})
        if config.get("LogFormat") == "Text":
            # AWS keeps log levels only for the JSON format.
            config.pop("ApplicationLogLevel", None)
            config.pop("SystemLogLevel", None)
        return config

    def __init__(self: Any, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        original_init(self, account_id, spec, *args, **kwargs)
        self.logging_config = merged(self, spec.get("LoggingConfig"))

    def get_configuration(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        config = original_get_configuration(self, *args, **kwargs)
        config["LoggingConfig"] = getattr(self, "logging_config", None) or default_logging_config(self)
        return config

    def update_configuration(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
        if "LoggingConfig" in config_updates:
            self.logging_config = merged(self, config_updates["LoggingConfig"])
        return original_update_configuration(self, config_updates)

    function_class.__init__ = __init__
    function_class.get_configuration = get_configuration
    function_class.update_configuration = update_configuration


def _patch_apigateway_account_reset() -> None:
    from moto.apigateway import models

    original = models.Account.apply_patch_operations

    def apply_patch_operations(self: Any, patch_operations: list[dict[str, Any]]) -> Any:
        resets = [op for op in patch_operations if op.get("path") == "/cloudwatchRoleArn" and "value" not in op]
        if resets:
            self.cloudwatch_role_arn = None
        return original(self, [op for op in patch_operations if op not in resets])

    models.Account.apply_patch_operations = apply_patch_operations


def _patch_http_api_ids() -> None:
    import random
    import string

    from moto.apigatewayv2 import models

    original_init = models.Api.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        old_id, old_arn = self.api_id, self.arn
        self.api_id = old_id + "".join(random.choices(string.ascii_lowercase + string.digits, k=10 - len(old_id)))  # noqa: S311
        self.api_endpoint = self.api_endpoint.replace(old_id, self.api_id)
        self.arn = old_arn.replace(old_id, self.api_id)
        tags = self.backend.get_tags(old_arn)
        self.backend.untag_resource(old_arn, list(tags))
        self.backend.tag_resource(self.arn, tags)

    models.Api.__init__ = __init__


def serve(host: str = "127.0.0.1") -> None:
    """Serve moto on a free port of ``host`` until the process is stopped."""
    os.environ.update(MANAGED_POLICIES_ENV)
    _patch_lambda_logging_config()
    _patch_apigateway_account_reset()
    _patch_http_api_ids()
    moto_insights.install()

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(host, 0, app, threaded=True, request_handler=MotoRequestHandler)
    # moto builds some URLs (SQS queue URLs, presigned links) from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(server.server_port)
    print(json.dumps({"port": server.server_port}), flush=True)
    server.serve_forever()


class MotoServer:
    """A moto server subprocess on a free 127.0.0.1 port; use as a context manager or call start()/stop()."""

    def __init__(self, log_path: str | None = None) -> None:
        self.log_path = log_path
        self.process: subprocess.Popen[str] | None = None
        self.endpoint_url = ""
        self._log_file: Any = None

    def start(self, timeout_s: float = 60.0) -> str:
        """Start the server and return its endpoint URL once it answers."""
        self._log_file = open(self.log_path or os.devnull, "w")  # noqa: SIM115 - closed in stop()
        env = {**os.environ, **MANAGED_POLICIES_ENV}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "apigw_devkit.moto_server"],
            stdout=subprocess.PIPE,
            stderr=self._log_file,
            text=True,
            env=env,
            cwd=str(REPO_ROOT),
        )
        assert self.process.stdout is not None
        # The first line is written only after the socket is bound: reading it is the readiness signal.
        first_line = self.process.stdout.readline()
        if not first_line:
            self.stop()
            raise RuntimeError(f"moto server exited before it was ready (see {self.log_path or 'its stderr'})")
        self.endpoint_url = f"http://127.0.0.1:{json.loads(first_line)['port']}"
        self._wait_until_answering(timeout_s)
        return self.endpoint_url

    def _wait_until_answering(self, timeout_s: float) -> None:
        # The socket is already listening, so this returns on the first try; the timeout only bounds a broken start.
        with urllib.request.urlopen(f"{self.endpoint_url}/moto-api/", timeout=timeout_s) as response:
            response.read()

    def reset(self) -> None:
        """Forget every resource (moto's reset API)."""
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            if self.process.stdout:
                self.process.stdout.close()
            self.process = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def __enter__(self) -> MotoServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def aws_environment(endpoint_url: str, region: str = "us-east-1") -> dict[str, str]:
    """The standard AWS environment that points boto3 and the Terraform AWS provider at the emulator."""
    return {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        # Never read the developer's real profile or config while talking to the emulator.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        # Chatbot and other unsupported services answer 500 on moto: fail fast instead of retrying for minutes.
        "AWS_MAX_ATTEMPTS": "2",
    }


if __name__ == "__main__":
    serve()
