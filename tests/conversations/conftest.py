from tests.conversations.world import app, channel_env, vouchers, world  # noqa: F401  (fixtures)
