"""The demo operator: a small, realistic, deterministic data set to try the product with."""
from gateway.demo.seed import is_seeded, seed_demo

__all__ = ["is_seeded", "seed_demo"]
