"""The service's Prometheus metrics (`prometheus-client`), served by `routes.metrics`.

Defined once per process, here at the bottom of the import graph, so every layer can count
without importing the web layer:

    portal_http_requests_total{method,route,status}          every HTTP request and websocket
    portal_http_request_duration_seconds{method,route}       its latency
    portal_graphql_operations_total{type,operation,outcome}  one per root field of a request;
                                                            outcome: ok, user_error, error
    portal_graphql_operation_duration_seconds{type,operation}
    portal_graphql_user_errors_total{code}                   `userErrors` returned, by code
    portal_websockets_open / portal_subscriptions_open       connections and live streams now
    portal_broadcast_delivery_lag_seconds                    publish to delivery to a stream
    portal_outbox_pending / portal_outbox_oldest_pending_age_seconds   (read at scrape time)
    portal_emails_sent_total, portal_email_failures_total{permanent},
    portal_email_retries_total                               the outbox worker
    portal_payments_total{outcome}                           charges by outcome
    portal_gateway_request_duration_seconds{operation}       payment gateway latency

Several processes on one host (e.g. `uvicorn --workers 4`): set `PROMETHEUS_MULTIPROC_DIR`
to an empty directory shared by them before they start; `/metrics` then adds up every
process. Otherwise each process (each container replica) is scraped on its own.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

_LATENCY = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "portal_http_requests", "HTTP requests and websockets answered.", ["method", "route", "status"]
)
HTTP_DURATION = Histogram(
    "portal_http_request_duration_seconds",
    "Time from request to the end of the response.",
    ["method", "route"],
    buckets=_LATENCY,
)
GRAPHQL_OPERATIONS = Counter(
    "portal_graphql_operations",
    "GraphQL root fields executed, by outcome (ok, user_error, error).",
    ["type", "operation", "outcome"],
)
GRAPHQL_DURATION = Histogram(
    "portal_graphql_operation_duration_seconds",
    "Execution time of the GraphQL request a root field was part of.",
    ["type", "operation"],
    buckets=_LATENCY,
)
USER_ERRORS = Counter("portal_graphql_user_errors", "userErrors returned, by code.", ["code"])
WEBSOCKETS_OPEN = Gauge(
    "portal_websockets_open", "Open GraphQL websockets.", multiprocess_mode="livesum"
)
SUBSCRIPTIONS_OPEN = Gauge(
    "portal_subscriptions_open", "Live notification streams.", multiprocess_mode="livesum"
)
BROADCAST_LAG = Histogram(
    "portal_broadcast_delivery_lag_seconds",
    "From publishing a live event to handing it to a subscriber's stream.",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
OUTBOX_PENDING = Gauge(
    "portal_outbox_pending", "Emails waiting to be delivered.", multiprocess_mode="mostrecent"
)
OUTBOX_OLDEST_AGE = Gauge(
    "portal_outbox_oldest_pending_age_seconds",
    "Age of the oldest email waiting to be delivered (0 when none).",
    multiprocess_mode="mostrecent",
)
EMAILS_SENT = Counter("portal_emails_sent", "Emails handed to the SMTP server or the mailbox.")
EMAIL_FAILURES = Counter("portal_email_failures", "Failed delivery attempts.", ["permanent"])
EMAIL_RETRIES = Counter("portal_email_retries", "Failed deliveries scheduled for another try.")
PAYMENTS = Counter("portal_payments", "Card charges, by outcome.", ["outcome"])
GATEWAY_DURATION = Histogram(
    "portal_gateway_request_duration_seconds",
    "Payment gateway call latency.",
    ["operation"],
    buckets=_LATENCY,
)
