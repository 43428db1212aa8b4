from tests.conversations.world import app, channel_env, vouchers, world  # noqa: F401  (fixtures)
from tests.live_server import live_server  # noqa: F401  (a fixture)
