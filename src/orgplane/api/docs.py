"""The API's browsable documentation at /api/docs: Swagger UI, served from this server.

Imports FastAPI and Starlette. Swagger UI's files come from the ``fastapi-offline``
package (it ships them for exactly this), so the page works on a machine without
internet. The page runs no inline script: Swagger UI starts from ``/api/docs/start.js``,
so the docs' Content-Security-Policy allows scripts from this server only
(``web/security.py``).
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter, FastAPI
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

__all__ = ["ASSETS_PATH", "install_docs"]

#: Where Swagger UI's files are served from.
ASSETS_PATH = "/api/docs/assets"

_PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>orgplane API</title>
  <link rel="stylesheet" href="{ASSETS_PATH}/swagger-ui.css">
  <link rel="icon" href="{ASSETS_PATH}/favicon.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{ASSETS_PATH}/swagger-ui-bundle.js"></script>
  <script src="/api/docs/start.js"></script>
</body>
</html>
"""

_START = """\
window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  layout: "BaseLayout",
});
"""

router = APIRouter(include_in_schema=False)


@router.get("/api/docs")
def docs_page() -> Response:
    return HTMLResponse(_PAGE)


@router.get("/api/docs/start.js")
def docs_start() -> Response:
    return Response(_START, media_type="text/javascript")


def install_docs(app: FastAPI) -> None:
    """Serve the docs page, its starter and Swagger UI's files on ``app``."""
    app.include_router(router)
    app.mount(
        ASSETS_PATH,
        StaticFiles(directory=str(files("fastapi_offline") / "static")),
        name="api-docs-assets",
    )
