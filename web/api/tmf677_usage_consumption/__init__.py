"""Usage Consumption (TMF677): ``api`` names the API, ``mapping`` reads queries and renders
lines' buckets and balances, ``resources`` answers and keeps the queries."""
from web.api.tmf677_usage_consumption.resources import API

__all__ = ["API"]
