"""Order capture and orchestration."""
