"""The operator API (its own schema on /operator/graphql): what the billing team does.

One module per domain, like the customer schema: `accounts` (accounts, outbox), `billing`
(subscriptions, invoices, cards, renewals).
"""
