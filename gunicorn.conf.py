"""Production server settings, read by ``gunicorn wsgi:app`` from the working directory.

Command-line flags override these; environment variables ``GUNICORN_*`` below set them too.
"""
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Two processes per core, two threads each: on the 2-core bench machine this served 500 USSD
# hops/s with the lowest tail of the shapes tried (2x4, 3x4, 4x1, 4x2, 4x4, 6x1; bench/RESULTS.md).
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 2))))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "30"))
