"""What arrives from Slack: Bolt listeners (module-level functions, routed in `register` below),
middleware, event payload reading, and where answers go.

middleware           rt and slack for every listener; the workspace (the one way to learn it);
                     events, commands and interactions done once; the incident channel
shapes               the least each kind of request carries, checked before Bolt reads it
commands             /postmortem and its subcommands (postmortem_, action_, timeline_commands)
events               message, reaction, pin and channel events → capture and channels
actions              buttons and selects on the postmortem's messages
action_item_actions  item buttons and item modals
views                the Edit-a-section modal
home                 the App Home tab
answers              where an answer (or a UserError) goes; the error handler
payloads             what an event means, read from Slack's JSON
executor             the pool listeners run on (Bolt's, plus knowing when it is idle)
"""

from __future__ import annotations

from slack_bolt import App

from bot.inbound.slack import action_item_actions, actions, commands, events, middleware, views
from bot.inbound.slack.answers import Listener, answers_user_errors, on_error
from bot.inbound.slack.home import app_home_opened
from bot.outbound.slack import Slack
from bot.outbound.slack.ids import COMMAND, Action, Event, View
from bot.runtime import Runtime


def register(app: App, rt: Runtime, slack: Slack) -> None:
    """Every middleware, listener and the error handler: the one routing table of the Slack app."""
    app.use(middleware.Dependencies(rt, slack))
    app.middleware(middleware.resolve_team)
    app.middleware(middleware.deduplicate_events)
    app.middleware(middleware.deduplicate_requests)
    app.middleware(middleware.resolve_incident_channel)

    app.command(COMMAND)(answers_user_errors(commands.postmortem))

    buttons: list[tuple[Action, Listener]] = [
        (Action.EDIT_SECTION, actions.edit_section),
        (Action.START_POSTMORTEM, actions.start_postmortem),
        (Action.DECLINE_POSTMORTEM, actions.decline_postmortem),
        (Action.EXPORT, actions.export),
        (Action.ADD_ITEM, action_item_actions.add_item),
        *((move, action_item_actions.move_item) for move in action_item_actions.MOVES),
        *((opener, action_item_actions.open_item_modal) for opener in action_item_actions.MODALS),
    ]
    for action_id, listener in buttons:
        app.action(action_id)(answers_user_errors(listener))

    for callback_id, submitted in (
        (View.EDIT_SECTION, views.edit_section_submitted),
        (View.ADD_ITEM, action_item_actions.add_item_submitted),
        (View.REDATE_ITEM, action_item_actions.redate_submitted),
        (View.WONTDO_ITEM, action_item_actions.wontdo_submitted),
    ):
        app.view(callback_id)(answers_user_errors(submitted))

    for event_type, handler in (
        (Event.APP_HOME_OPENED, app_home_opened),
        (Event.MESSAGE, events.message),
        (Event.REACTION_ADDED, events.reaction_added),
        (Event.REACTION_REMOVED, events.reaction_removed),
        (Event.PIN_ADDED, events.pin_added),
        (Event.PIN_REMOVED, events.pin_removed),
        (Event.CHANNEL_CREATED, events.channel_created_or_renamed),
        (Event.CHANNEL_RENAME, events.channel_created_or_renamed),
        (Event.GROUP_RENAME, events.group_renamed),
        (Event.MEMBER_JOINED_CHANNEL, events.member_joined),
        (Event.CHANNEL_ARCHIVE, events.archived),
        (Event.GROUP_ARCHIVE, events.archived),
        (Event.CHANNEL_UNARCHIVE, events.unarchived),
        (Event.GROUP_UNARCHIVE, events.unarchived),
    ):
        app.event(event_type)(handler)

    app.error(on_error)
