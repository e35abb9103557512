"""Answering the person who pressed, typed or submitted: one place, one rule for where it goes.

On the App Home tab the answer is the tab, republished with it on top; where Slack gave a
response_url (commands, buttons on messages) it is an ephemeral reply; otherwise an ephemeral
message in the channel.

A UserError (bad input, a refused change, not an incident channel) raised in a listener is
answered this way, with :warning:, by `answers_user_errors` around the listener: it must not
escape, since Bolt's thread runner loses the ack of a listener that raises after acking. Anything
else reaches `on_error` and is logged with its traceback.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.domain.errors import UserError
from bot.domain.slack_text import placeholders_escaped
from bot.inbound.slack.home import on_home, publish_home
from bot.inbound.slack.middleware import channel_id_of
from bot.outbound.slack import Slack
from bot.runtime import Runtime

logger = logging.getLogger(__name__)


def _user(body: dict[str, Any]) -> str | None:
    return (body.get("user") or {}).get("id") or body.get("user_id")


def answer(rt: Runtime, slack: Slack, body: dict[str, Any], respond: Respond | None, text: str) -> None:
    """Tell whoever caused this request `text`, where they are looking."""
    text = placeholders_escaped(text)
    user_id = _user(body)
    from_home = on_home(body) or (body.get("type") == "view_submission" and not channel_id_of(body))
    if from_home and user_id:
        publish_home(rt, slack, user_id, notice=text)
    elif respond is not None and body.get("response_url"):
        respond(response_type="ephemeral", replace_original=False, text=text)
    elif user_id and (channel := channel_id_of(body)):
        slack.say.ephemeral(channel, user_id, text)
    else:
        logger.warning("no way to tell anyone: %s", text)


Listener = Callable[..., None]


def answers_user_errors(listener: Listener) -> Listener:
    """The listener, with every UserError it raises answered to whoever caused the request.

    Bolt passes a listener what its signature names; the wrapper names every argument a listener
    here may want and hands on those the listener declares.
    """
    wanted = inspect.getfullargspec(listener).args

    def wrapper(
        ack: Ack,
        body: dict[str, Any],
        respond: Respond,
        context: BoltContext,
        command: dict[str, Any] | None,
        action: dict[str, Any] | None,
        view: dict[str, Any] | None,
        event: dict[str, Any] | None,
        rt: Runtime,
        slack: Slack,
    ) -> None:
        given = {
            "ack": ack,
            "body": body,
            "respond": respond,
            "context": context,
            "command": command,
            "action": action,
            "view": view,
            "event": event,
            "rt": rt,
            "slack": slack,
        }
        try:
            listener(**{name: given[name] for name in wanted})
        except UserError as error:
            answer(rt, slack, body, respond, f":warning: {error}")

    wrapper.__name__ = wrapper.__qualname__ = listener.__name__
    wrapper.__doc__ = listener.__doc__
    wrapper.__module__ = listener.__module__
    return wrapper


def on_error(error: Exception, body: dict[str, Any]) -> None:
    """Bolt's error handler: what no listener handled is logged with its traceback."""
    logger.exception(
        "unhandled error in a Slack listener (request type %s)", body.get("type"), exc_info=error
    )
