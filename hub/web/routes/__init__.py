"""Routers of the web app: login, staff pages, steward pages, admin pages and the JSON API."""
