"""The staff and steward web app: search, household, person, review queue and quarantine pages.

Server-rendered (FastAPI + Jinja2) with a JSON API under ``/api``. Every route needs a session
(except the login page), checks the user's role server-side, masks BSNs and confidential addresses
by default and writes an audit entry for each search, view, reveal, decision and login.
"""
