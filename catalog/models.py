"""catalog models."""
