"""crm models."""
