"""The composition root's parts: which channels, dialogs, senders and sinks this app runs with,
chosen from configuration. A choice this build cannot honour stops start-up with the reason."""
