"""The web UI's few forms: read one safely, and tell a form sent from another site.

Imports nothing of orgplane's. The web UI has no sign-in: a form that writes carries
its own credential (a signed link's token, or an API token typed in), so no cookie
exists for a forged cross-site request to ride on. A form the browser says came from
another site (``Sec-Fetch-Site``, ``Origin``) is refused all the same.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request

__all__ = ["FORM_LIMIT", "from_another_site", "read_form"]

#: A form of the web UI is a handful of short fields: anything bigger is not one.
FORM_LIMIT = 4096
#: A browser's own word for where a request came from; "none" is the user's own doing.
_SAME_SITE = ("same-origin", "none")


def from_another_site(request: Request, public_url: str) -> bool:
    """Whether the browser says the form was sent from a page of another site. A client
    that says nothing (curl, a script) is not refused: the form's credential is what
    counts."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in _SAME_SITE:
        return True
    origin = request.headers.get("origin")
    # "null": what a browser sends for a same-origin form under Referrer-Policy no-referrer.
    if origin is None or origin == "null":
        return False
    ours = {request.headers.get("host", "").lower(), urlsplit(public_url).netloc}
    return urlsplit(origin).netloc.lower() not in ours


async def read_form(request: Request, *, fields: int = 8) -> dict[str, str] | None:
    """The URL-encoded form's fields (the first value of each), or ``None`` when it is
    too big or cannot be read; a body of another type is a 415."""
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        raise HTTPException(415, "send the form as application/x-www-form-urlencoded")
    body = await request.body()
    if len(body) > FORM_LIMIT:
        return None
    try:
        form = parse_qs(body.decode(), max_num_fields=fields)
    except (ValueError, UnicodeDecodeError):
        return None
    return {key: values[0] for key, values in form.items()}
