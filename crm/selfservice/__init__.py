"""Self-service: the dialogs customers walk on their own (balance, bundles, top-up, orders, cases).

- ``engine``: the declarative dialog engine; ``dialogs``: the dialogs as data, over the domain services
- ``service``: the entrance channels call (``converse`` for menus, ``start_dialog``/``answer``)
- ``keywords``: text channels' keywords (``BAL``, ``BUY <code>``) onto the same dialogs
- ``account_views``, ``purchases``: what the dialogs read and order
"""
