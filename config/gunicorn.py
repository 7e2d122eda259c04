"""gunicorn settings for a real server: `gunicorn -c python:config.gunicorn` (make serve-prod).

Threaded workers: a request spends most of its time waiting for PostgreSQL, so a few
processes with several threads each hold many more concurrent users than one process per
request, at a fraction of the memory. Every value can be changed through FUPIN_WEB_*
variables (docs/settings.md).
"""

import os

from config.env import env_int, env_list, env_str

wsgi_app = "config.wsgi:application"
bind = env_list("FUPIN_WEB_BIND", ["127.0.0.1:8000"])
worker_class = "gthread"
workers = env_int("FUPIN_WEB_WORKERS", max(2, (os.cpu_count() or 1) * 2), minimum=1)
threads = env_int("FUPIN_WEB_THREADS", 8, minimum=1)
# Longer than any page takes; nginx's proxy_read_timeout (deploy/nginx.conf) is a little
# longer still, so a stuck worker is restarted here before the proxy gives up.
timeout = env_int("FUPIN_WEB_TIMEOUT", 60, minimum=1)
graceful_timeout = 30
keepalive = 5
# Restart a worker now and then, staggered, so slow memory growth never adds up.
max_requests = env_int("FUPIN_WEB_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
# Only the local proxy may say that a request came over HTTPS.
forwarded_allow_ips = env_str("FUPIN_WEB_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The runtime control socket (gunicorn 25.1+) has one default path per user, so a second
# server on the machine (the load test beside a running instance) would take it over;
# starting and stopping belong to systemd or make serve-prod.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
# No request line and no query string: searches by name or ID number travel in the query.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

if env_str("FUPIN_LOG_FORMAT", "text") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "fupin.core.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
