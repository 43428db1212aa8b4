"""Billing: accounts, subscriptions, balances and buckets, rating, bill runs, invoices, payments."""
