"""Catalog entries: the systems a group owns and the services it offers. Pure model."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from orgplane.model.base import Located, NameStr, Ref, Slug, Text

__all__ = ["CatalogEntry", "CatalogKind"]


class CatalogKind(StrEnum):
    """What a catalog entry is; decides its Backstage kind on export."""

    SYSTEM = "system"  #: a platform made of parts (Hadoop, the CI/CD platform)
    SERVICE = "service"  #: something running that others call (Kafka, an API)
    OFFERING = "offering"  #: a service a team offers on request (a feature store set-up)
    RESOURCE = "resource"  #: infrastructure others consume (a cluster, a bucket, a database)
    LIBRARY = "library"  #: code others embed (an SDK)
    WEBSITE = "website"  #: a portal or dashboard site


class CatalogEntry(Located):
    """A system or service in the catalog, with who owns it and how to reach them."""

    id: Slug
    name: NameStr
    kind: CatalogKind = CatalogKind.SERVICE
    owner: Ref | None = None
    #: The role that answers for it ("Database Administrator"): a page's component owner.
    owner_role: NameStr | None = None
    description: Text = ""
    tier: int | None = Field(default=None, ge=0, le=5)
    lifecycle: str = "production"
    sla: Text = ""
    contact: Text = ""
    intake: Text = ""
    escalation: list[Text] = Field(default_factory=list)
    tools: list[NameStr] = Field(default_factory=list)
    depends_on: list[Slug] = Field(default_factory=list)
    tags: list[Slug] = Field(default_factory=list)
