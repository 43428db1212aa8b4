"""Conversations and their interactions: the log every channel writes and agents will read.

- ``messages``: ``Inbound`` and ``Reply``, what a channel hands the core and gets back
- ``models``: conversations (state with timeouts) and interactions (every message in and out)
- ``state``: find the open conversation of a message or start one; ``hop_writes``: a hop in one statement
- ``identify``: who is writing (the line and customer behind an address)
- ``interactions``: record messages and their delivery status; ``outbound``: the registry channels plug
  their senders into, through which the CRM sends
"""
