"""Cases: complaints, call-back requests and enquiries that agents work on.

Minimal for now (opened by self-service); the agents' inbox and SLAs come with the console.
"""
