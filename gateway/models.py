"""Every package's models, imported so the metadata (and Alembic) sees the whole schema."""
import billing.models  # noqa: F401
import catalog.models  # noqa: F401
import crm.models
import crm.staff  # noqa: F401
import web.api.keys  # noqa: F401
