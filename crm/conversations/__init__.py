"""The channel-neutral conversation engine: every channel feeds ``Inbound`` in and renders ``Reply``.

- ``messages``: ``Inbound`` and ``Reply``
- ``models``: conversations (state with timeouts) and interactions (every message in and out)
- ``identify``: who is writing (the line and customer behind an MSISDN)
- ``engine``: the declarative dialog engine; ``dialogs``: the self-service dialogs as data
- ``locales``: message catalogs (English, Swahili)
- ``outbound``: the registry channels plug their senders into; ``notifier``: events to messages
"""
