"""Browser pages and the REST API. Routes are thin: parse, call a service, render."""
