"""Texts customers read, in their language: message catalogs (``catalogs``, ``locales/``)."""
