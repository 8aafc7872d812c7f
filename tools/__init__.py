"""Development machinery: the local emulator, the Slack receiver, Terraform helpers, packaging, docs and the demo."""
