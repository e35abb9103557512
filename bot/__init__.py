"""postmortem-bot: blameless postmortems in Slack, end to end."""

__version__ = "0.1.0"
