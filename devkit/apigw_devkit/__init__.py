"""The harness the demo, the benchmark and the tests share: moto's server with this project's fidelity fixes, its
Logs Insights engine, Slack stand-ins (incoming webhook, Web API), Terraform's runner and CLI config, the events
Lambda hands the notifier, and importing the deployed function's own code.

A development package, never deployed: tools/bootstrap installs it into .venv (editable, with the notifier's
package), so ``python -m tools.demo``, ``bench/storm.py`` and the tests import it like any other; nothing edits
``sys.path``. Test-only helpers stay in tests/support.
"""
