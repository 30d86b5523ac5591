"""Access control for the hub's web app and CLI: accounts, roles, sessions and the audit log.

Kept apart from the web layer so the rules (who may see what, how the audit chain is built and
checked) are plain functions over a SQLAlchemy engine, tested without a browser.
"""
