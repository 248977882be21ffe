"""Tortoise models, one module per domain. `MODEL_MODULES` lists them for the ORM config."""

MODEL_MODULES = [
    "models.system",
    "models.users",
    "models.auth",
    "models.accounts",
    "models.invitations",
    "models.payments",
    "models.subscriptions",
    "models.invoices",
    "models.notifications",
    "models.outbox",
    "models.activity",
    "models.catalog",
    "models.purchases",
]
