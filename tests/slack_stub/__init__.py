"""A local stand-in for Slack's Web API, driven by the real slack_sdk WebClient (see server.py)."""

from tests.slack_stub.sdk_check import conformance_problems
from tests.slack_stub.server import SlackStub
from tests.slack_stub.state import Upload
from tests.slack_stub.wire import Call, FilePart

__all__ = ["Call", "FilePart", "SlackStub", "Upload", "conformance_problems"]
