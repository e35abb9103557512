"""manifest.yml is valid by Slack's own schema, and declares everything the code uses."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource

from bot.outbound.slack.ids import COMMAND, Event

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = ROOT.parent / "shared" / "slack-manifest-schema"
PUBLISHED = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"

# Web API method → the bot scopes that allow it (any one suffices). From each method's page on
# api.slack.com; methods that need no scope map to an empty tuple.
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    "chat.postMessage": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.delete": ("chat:write",),
    "chat.getPermalink": (),
    "conversations.history": ("channels:history", "groups:history", "im:history"),
    "conversations.replies": ("channels:history", "groups:history", "im:history"),
    "conversations.info": ("channels:read", "groups:read"),
    "conversations.list": ("channels:read", "groups:read"),
    "conversations.members": ("channels:read", "groups:read"),
    "conversations.join": ("channels:join",),
    "conversations.open": ("im:write",),
    "conversations.canvases.create": ("canvases:write",),
    "canvases.edit": ("canvases:write",),
    "users.info": ("users:read",),
    "users.list": ("users:read",),
    "pins.list": ("pins:read",),
    "reactions.get": ("reactions:read",),
    "views.open": (),
    "views.update": (),
    "views.push": (),
    "views.publish": (),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
}
# Arguments that need a scope of their own, beyond their method's (all of them needed).
ARGUMENT_SCOPES: dict[str, tuple[str, ...]] = {
    # Reading back the claim a post carries as message metadata (bot/outbound/slack/tags.py).
    "include_all_metadata": ("metadata.message:read",),
}
# Composite SDK helpers → the API methods they call.
COMPOSITE = {"files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal")}

# Bolt event type → (manifest subscription names, scopes that allow receiving it).
EVENT_SUBSCRIPTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "app_home_opened": (("app_home_opened",), ()),
    "message": (("message.channels", "message.groups"), ("channels:history", "groups:history")),
    "reaction_added": (("reaction_added",), ("reactions:read",)),
    "reaction_removed": (("reaction_removed",), ("reactions:read",)),
    "pin_added": (("pin_added",), ("pins:read",)),
    "pin_removed": (("pin_removed",), ("pins:read",)),
    "channel_created": (("channel_created",), ("channels:read",)),
    "channel_rename": (("channel_rename",), ("channels:read",)),
    "channel_archive": (("channel_archive",), ("channels:read",)),
    "channel_unarchive": (("channel_unarchive",), ("channels:read",)),
    "group_rename": (("group_rename",), ("groups:read",)),
    "group_archive": (("group_archive",), ("groups:read",)),
    "group_unarchive": (("group_unarchive",), ("groups:read",)),
    "member_joined_channel": (("member_joined_channel",), ("channels:read", "groups:read")),
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "manifest.yml").read_text()))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    """Slack's router schema, with its two versioned schemas served from the local copies."""
    resources = []
    for version in ("1.0.0", "2.0.0"):
        contents = json.loads((SCHEMA_DIR / "schemas" / f"manifest.schema.{version}.json").read_text())
        resources.append((f"{PUBLISHED}manifest.schema.{version}.json", Resource.from_contents(contents)))
    router = json.loads((SCHEMA_DIR / "manifest.schema.json").read_text())
    return jsonschema.Draft7Validator(router, registry=Registry().with_resources(resources))


def test_manifest_validates_against_slacks_schema(
    manifest: dict[str, Any], validator: jsonschema.Draft7Validator
) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(manifest)]
    assert errors == []


@pytest.mark.parametrize(
    ("path", "bad_value"),
    [
        (("settings", "socket_mode"), True),  # misspelt key
        (("display_information", "name"), "x" * 36),  # over Slack's 35 characters
        (("features", "slash_commands"), [{"command": "postmortem", "description": "no slash"}]),
    ],
)
def test_the_schema_check_rejects_broken_manifests(
    manifest: dict[str, Any], validator: jsonschema.Draft7Validator, path: tuple[str, str], bad_value: Any
) -> None:
    broken = json.loads(json.dumps(manifest))
    broken[path[0]][path[1]] = bad_value
    assert list(validator.iter_errors(broken)), f"{path} = {bad_value!r} should be refused"


def _bot_scopes(manifest: dict[str, Any]) -> set[str]:
    return set(manifest["oauth_config"]["scopes"]["bot"])


def test_the_slash_command_is_declared(manifest: dict[str, Any]) -> None:
    declared = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert COMMAND in declared
    assert "commands" in _bot_scopes(manifest)


def _source_files() -> list[Path]:
    return sorted((ROOT / "bot").rglob("*.py"))


def test_every_event_the_code_listens_to_is_subscribed_with_its_scope(manifest: dict[str, Any]) -> None:
    subscribed = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    scopes = _bot_scopes(manifest)
    # Listeners must name events through ids.Event; a literal string slips past this check.
    literal = re.compile(r"\.event\(\s*[\"']")
    offenders = [str(p.relative_to(ROOT)) for p in _source_files() if literal.search(p.read_text())]
    assert offenders == [], "use ids.Event constants in app.event(...)"
    for event in Event:
        assert event.value in EVENT_SUBSCRIPTIONS, f"add {event.value} to EVENT_SUBSCRIPTIONS in this test"
        names, needed = EVENT_SUBSCRIPTIONS[event.value]
        assert set(names) <= subscribed, f"manifest.yml does not subscribe to {names}"
        assert not needed or scopes & set(needed), f"{event.value} needs one of the scopes {needed}"


CLIENT_NAMES = ("client", "_client")  # how bot/ names a WebClient (outbound/slack keeps it as self._client)


def _web_api_methods_used() -> dict[str, set[str]]:
    """Every `client.<method>(...)` and `api_call("<method>")` in bot/, mapped to API method names."""
    used: dict[str, set[str]] = {}
    for path in _source_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            attribute, receiver = node.func.attr, node.func.value
            is_client = (isinstance(receiver, ast.Name) and receiver.id in CLIENT_NAMES) or (
                isinstance(receiver, ast.Attribute) and receiver.attr in CLIENT_NAMES
            )
            if not is_client:
                continue
            if attribute == "api_call" and node.args and isinstance(node.args[0], ast.Constant):
                methods: tuple[str, ...] = (str(node.args[0].value),)
            elif "_" in attribute:
                methods = COMPOSITE.get(attribute, (attribute.replace("_", "."),))
            else:
                continue
            for method in methods:
                used.setdefault(method, set()).add(str(path.relative_to(ROOT)))
    return used


def test_every_web_api_method_the_code_calls_is_covered_by_a_declared_scope(manifest: dict[str, Any]) -> None:
    used = _web_api_methods_used()
    assert "views.publish" in used  # the scan sees real calls
    scopes = _bot_scopes(manifest)
    for method, files in sorted(used.items()):
        assert method in METHOD_SCOPES, f"{method} (in {sorted(files)}): add its scopes to METHOD_SCOPES"
        needed = METHOD_SCOPES[method]
        assert not needed or scopes & set(needed), f"{method} needs one of {needed} in manifest.yml"


def test_every_argument_that_needs_a_scope_has_it(manifest: dict[str, Any]) -> None:
    used = {
        node.arg
        for path in _source_files()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.keyword) and node.arg in ARGUMENT_SCOPES
    } | {
        node.value
        for path in _source_files()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and node.value in ARGUMENT_SCOPES
    }
    assert "include_all_metadata" in used  # the scan sees the reads that look for a claim's post
    scopes = _bot_scopes(manifest)
    for argument in sorted(used):
        needed = set(ARGUMENT_SCOPES[argument])
        assert needed <= scopes, f"{argument} needs {sorted(needed)} in manifest.yml"


def test_the_bot_may_read_its_own_direct_messages_to_find_a_lost_post(manifest: dict[str, Any]) -> None:
    """A DM whose answer was lost is looked for in the DM's history (conversations.history on a D…)."""
    reads_dms = any("dm_channel(" in p.read_text() for p in _source_files())
    assert reads_dms
    assert "im:history" in _bot_scopes(manifest)


def test_no_scope_is_declared_that_nothing_uses(manifest: dict[str, Any]) -> None:
    """Least privilege: every declared scope is needed by the command, an event or a method."""
    allowed = {"commands"} | {s for scopes in METHOD_SCOPES.values() for s in scopes}
    allowed |= {s for scopes in ARGUMENT_SCOPES.values() for s in scopes}
    allowed |= {s for _, scopes in EVENT_SUBSCRIPTIONS.values() for s in scopes}
    allowed |= {"chat:write.public"}  # posting to POSTMORTEM_CHANNEL without being invited
    assert _bot_scopes(manifest) <= allowed
