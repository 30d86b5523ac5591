"""The merged store: migrations, atomic publishing, survivorship, queries, export, erasure.

Entry points call :func:`hub.store.engine.open_store` (or :func:`hub.store.engine.upgrade`) first,
so a fresh store is created automatically. Pipelines call :func:`hub.store.publish.publish`; the web
app reads through :mod:`hub.store.query` (the store's one read module).
"""
