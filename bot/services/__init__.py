"""Use cases: each owns its transaction and touches domain, storage and Slack as it needs.

deliveries  claim an Events API delivery once across retries and replicas
channels    which channels are incident channels; watch, unwatch, announce, join
capture     messages, edits, deletes, reactions and pins as they arrive
backfill    conversations.history / replies for what the live record missed
timelines   the stored record → a Timeline, resolving users and channel names
"""
