"""Where the reading commands find the orgs they answer about: a spec, or the database.

``show``, ``tree``, ``owners``, ``deps``, ``export`` and ``oncall`` answer from a spec
named with ``--spec`` (a file, an org's folder, or a folder of several orgs), else from
the database the server uses (``--db``), else ``$ORGPLANE_SPEC``, else ``$ORGPLANE_DB``,
else ``./orgplane.db`` where it exists, else ``./org``, else a current directory that
holds spec files itself. An answer whose source was not named on the command line says
on stderr where it came from. A group code picks its org when one org has it (``--org``
where several do); ``owners`` searches every org unless one is named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from orgplane.cli.console import SpecLoadError, err, safe
from orgplane.errors import NotFoundError, SpecError, UsageError
from orgplane.settings import DEFAULT_DB_URL, get_settings

if TYPE_CHECKING:
    from datetime import datetime

    from orgplane.model import Group, Org, OrgIndex
    from orgplane.rules import Finding

__all__ = [
    "DbReadOption",
    "Loaded",
    "OrgPickOption",
    "Source",
    "SpecOption",
    "read_source",
]

SpecOption = Annotated[
    Path | None,
    typer.Option(
        "--spec",
        help="Spec file or folder (a folder of several orgs reads each). Default: "
        "$ORGPLANE_SPEC, else the database the server uses where there is one (see --db), "
        "else ./org.",
    ),
]
DbReadOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="Answer from this database. Default without --spec: $ORGPLANE_DB, else "
        "./orgplane.db where it exists.",
    ),
]
OrgPickOption = Annotated[
    str | None,
    typer.Option(
        "--org",
        metavar="CODE",
        help="The org to answer about (needed only when several have what you ask for).",
    ),
]


@dataclass(slots=True)
class Loaded:
    """One org to answer about, with its index; ``path`` is its spec (``None`` when it
    comes from the database, whose stored findings are ``stored_findings``)."""

    org: Org
    index: OrgIndex
    path: Path | None = None
    stored_findings: list[Finding] | None = None
    _checked: list[Finding] | None = field(default=None, repr=False)

    def findings(self) -> list[Finding]:
        """The validator's findings: the ones its last apply stored, or checked now."""
        if self.stored_findings is not None:
            return self.stored_findings
        if self._checked is None:
            from orgplane.rules import default_registry

            self._checked = default_registry().check(self.org)
        return self._checked


@dataclass(frozen=True, slots=True)
class Source:
    """The orgs a command answers about, and where they came from."""

    orgs: list[Loaded]
    #: "spec examples/cipo" or "database sqlite:///orgplane.db".
    where: str
    #: Named on the command line (--spec, --db): then nothing needs saying.
    named: bool
    applied_at: datetime | None = None
    #: The database's URL when the orgs come from one (commands that read runtime
    #: records too, such as on-call overrides, open it again).
    db_url: str | None = None

    def announce(self) -> None:
        """Say on stderr where the answer came from, unless the command line named it."""
        if self.named:
            return
        when = f", as applied {self.applied_at:%Y-%m-%d %H:%M} UTC" if self.applied_at else ""
        err().print(safe(f"(from the {self.where}{when})"), style="dim")

    def codes(self) -> list[str]:
        return [loaded.org.code for loaded in self.orgs]

    def org(self, code: str | None) -> Loaded:
        """The org ``code`` names, or the only one there is."""
        if code is not None:
            for loaded in self.orgs:
                if loaded.org.code.lower() == code.lower():
                    return loaded
            raise NotFoundError(f"no org {code!r} in the {self.where} (it has {self._list()})")
        if len(self.orgs) == 1:
            return self.orgs[0]
        raise UsageError(f"the {self.where} holds several orgs ({self._list()}): use --org")

    def group(self, code: str | None, ref: str) -> tuple[Loaded, str, Group]:
        """The org and group ``ref`` names: in org ``code``, else in the one org where
        ``ref`` names a group (several: name one with --org)."""
        if code is not None or len(self.orgs) == 1:
            loaded = self.org(code)
            path, group = loaded.index.group(ref)
            return loaded, path, group
        having = [loaded for loaded in self.orgs if loaded.index.resolve(ref).paths]
        if len(having) == 1:
            path, group = having[0].index.group(ref)
            return having[0], path, group
        if having:
            places = "; ".join(
                f"{loaded.org.code}: {', '.join(loaded.index.resolve(ref).paths)}"
                for loaded in having
            )
            raise UsageError(f"{ref!r} names groups in several orgs ({places}): use --org")
        suggestions = sorted(
            {s for loaded in self.orgs for s in loaded.index.resolve(ref).suggestions}
        )[:3]
        hint = f" (did you mean {' or '.join(suggestions)}?)" if suggestions else ""
        raise NotFoundError(f"no group {ref!r} in {self._list()}{hint}")

    def having(self, code: str | None, found: Callable[[Loaded], bool]) -> Loaded:
        """The org ``code`` names, else the one org for which ``found`` is true (none or
        several: the only org, or a usage error asking for --org)."""
        if code is not None or len(self.orgs) == 1:
            return self.org(code)
        having = [loaded for loaded in self.orgs if found(loaded)]
        if len(having) == 1:
            return having[0]
        if having:
            names = ", ".join(loaded.org.code for loaded in having)
            raise UsageError(f"several orgs have that ({names}): use --org")
        raise UsageError(f"none of the orgs ({self._list()}) has that: check it, or use --org")

    def _list(self) -> str:
        return ", ".join(self.codes())


def read_source(spec: Path | None, db: str | None) -> Source:
    """The orgs of ``--spec`` or ``--db``, or of the default source (module docstring)."""
    settings = get_settings()
    if spec is not None:
        return _from_spec(spec, named=True)
    if db is not None:
        return _from_database(db, named=True)
    if settings.spec is not None:
        return _from_spec(settings.spec, named=False)
    if settings.db_url != DEFAULT_DB_URL:
        return _from_database(settings.db_url, named=False)
    if Path(DEFAULT_DB_URL.removeprefix("sqlite:///")).is_file():
        return _from_database(DEFAULT_DB_URL, named=False)
    here = Path.cwd()
    if (here / "org").exists():
        return _from_spec(Path("org"), named=False)
    if any(p.suffix in (".yaml", ".yml") for p in here.iterdir() if p.is_file()):
        return _from_spec(Path("."), named=False)
    raise UsageError(
        "no org to answer about here: name a spec with --spec PATH, or apply one "
        "('orgplane apply PATH') to answer from the database"
    )


def _from_spec(path: Path, *, named: bool) -> Source:
    from orgplane.model import OrgIndex
    from orgplane.spec import load_orgs

    try:
        orgs = load_orgs(path)
    except SpecError as exc:
        raise SpecLoadError(exc) from None
    loaded = [Loaded(org, OrgIndex(org), path) for org in orgs]
    return Source(loaded, f"spec {path}", named)


def _from_database(url: str, *, named: bool) -> Source:
    from orgplane.cli.db import open_session, resolve_url
    from orgplane.model import OrgIndex
    from orgplane.store import display_url, findings, orgs
    from orgplane.store.org_model import last_applied, org_model

    loaded: list[Loaded] = []
    applied: list[datetime] = []
    with open_session(url) as session:
        for view in orgs.list_orgs(session):
            org = org_model(session, view.code)
            if org is None:  # removed since it was listed
                continue
            stored = findings.list_findings(session, view.code)
            loaded.append(Loaded(org, OrgIndex(org), None, stored))
            when = last_applied(session, view.code)
            if when is not None:
                applied.append(when)
    where = f"database {display_url(resolve_url(url))}"
    if not loaded:
        raise UsageError(
            f"the {where} holds no org yet: apply a spec first ('orgplane apply PATH')"
        )
    return Source(loaded, where, named, max(applied) if applied else None, url)
