"""SMS: Twilio's inbound webhook and REST API, and SMPP 3.4 to an operator's SMSC."""
