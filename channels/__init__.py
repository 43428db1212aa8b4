"""Channel adapters: verify the sender, translate to the CRM core and back."""
