"""The HTTP API: FastAPI routers over the store and the services, one module per noun.

Imports ``services``, ``store``, ``spec``, ``rules``, ``model``, ``errors`` and
``settings``; the web pages (``orgplane.web``) and the CLI sit above it. Route handlers
build no SQL and return no ``Any``: they call repositories and services and answer
with typed models, ETags, cursor pages and problem+json errors.
"""

from orgplane.api.app import create_api

__all__ = ["create_api"]
