"""The CRM core every channel feeds: customers, contacts, interactions, conversations, cases."""
