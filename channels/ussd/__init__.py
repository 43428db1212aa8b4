"""USSD in the Africa's Talking convention: form posts in, ``CON``/``END`` text out."""
