"""Every package's models, imported so the metadata (and Alembic) sees the whole schema."""
# ruff: noqa: F401
import billing.models
import billing.plan_change
import billing.rating.models
import billing.vouchers.models
import catalog.models
import catalog.tariffs.models
import crm.cases.models
import crm.conversations.models
import crm.models
import crm.staff
import mediation.models
import orders.models
import web.api.keys
