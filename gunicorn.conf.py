"""Production server settings, read by ``gunicorn wsgi:app`` from the working directory.

Command-line flags override these; environment variables ``GUNICORN_*`` below set them too.
"""
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "30"))
# Each worker touches its heartbeat file on every turn of its event loop; on a disk-backed /tmp
# (an overlay file system in containers) that syscall costs more than serving a small request.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
