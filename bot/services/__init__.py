"""Use cases: each decides what happens, owns its transactions, and calls domain, store and outbound.

deliveries         claim an Events API delivery once across retries and replicas
once               send at most once: claim → perform → done / release (every "once" goes here)
channels           which channels are incident channels; watch, unwatch, announce, join
capture            messages, edits, deletes, reactions and pins as they arrive
backfill           conversations.history / replies for what the live record missed
timelines          the stored record → a Timeline; import from a Slack export
postmortems        start, fill in, lead, status moves, status report
postmortem_thread  the thread in Slack: posted once, parent kept current, linked
exports            the Markdown document: to the thread and canvas, or to files
action_items       add, list, change, re-date; App Home items; the document's table
deadlines          the 48-hour rule: auto-open, ask, escalate
reminders          the weekly reminder sweep and overdue DMs
"""
