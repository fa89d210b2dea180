"""A small, valid org spec whose comments teach the format (``orgplane init``).

Imports nothing from orgplane. The files are kept as text so their comments survive;
a test loads and validates them.
"""

from __future__ import annotations

__all__ = ["SCAFFOLD_FILES"]

_ORG = """\
# An orgplane spec: the org as code. A spec is this file alone or a folder of YAML files;
# exactly one file has the `org:` header, and list sections (groups, people, catalog …)
# from all files are merged in file-name order.
# Check it with `orgplane validate`, look at it with `orgplane tree`.
# Editors: `orgplane schema > orgplane.schema.json` gives completion and checks.
version: 1

org:
  code: ACME                      # short code, as your documents write it
  name: Acme Infrastructure
  description: Runs the platform every product team ships on.
  leads: [ada]                    # people, by id (see `people:` below)

# Policies the validator enforces. Every policy is optional.
policies:
  # Groups (and everything below them) that must not interface directly.
  forbidden_interfaces:
    - groups: [SEC, DATA]
      note: Security reviews data access through the platform, never directly.
  # A group that alone decides a subject; others claiming it are reported.
  authorities:
    - group: PLAT
      subjects:
        - name: Kernel versions
          match: [kernel]         # words that claim the subject in responsibilities
  # A group of these kinds with this many members needs a lead.
  lead_threshold: {size: 3, kinds: [squad]}

people:
  - {id: ada, name: Ada Lovelace, email: ada@example.org, roles: [lead]}
  - {id: alan, name: Alan Turing, roles: [engineer]}
  - {id: grace, name: Grace Hopper, roles: [engineer]}

roles:
  - id: lead
    name: Infrastructure Lead
    headcount: {min: 1, max: 1}   # planned range; checked against people holding the role
  - id: engineer
    name: Infrastructure Engineer
    headcount: {min: 2, max: 4}

# The catalog: systems and services, each owned by a group (a code or a path).
catalog:
  - {id: k8s, name: Kubernetes clusters, kind: resource, owner: PLAT/P-1}
  - {id: grafana, name: Grafana, kind: service, owner: SEC}
"""

_GROUPS = """\
# The group tree. Nest `groups:` as deep as your org is; `kind` is a free label
# (department, squad, unit, team …). A group is identified by its path of codes
# (PLAT/P-1); a bare code works as a reference where it is unique.
groups:
  - code: PLAT
    kind: department
    name: Platform
    leads: [ada]
    groups:
      - code: P-1
        kind: squad
        name: Compute
        members: [alan, grace]
        responsibilities:
          - Kubernetes upgrades
          - Kernel patching ≤ 48h
        stack: [Kubernetes 1.30, "containerd 2.0"]   # "name version", or {name, version}
        kpis:                                           # written as your documents write them
          - API Uptime ≥ 99.95%
          - text: Kernel patching ≤ 48h
            weight: 2
        groups:
          - {code: U-1, kind: unit, name: Node Lifecycle}
  - code: DATA
    kind: department
    name: Data
    groups:
      - code: D-1
        kind: squad
        name: Data Platform
        members: [grace]
        dependencies:
          # what flows, and which way: from (we consume), to (we provide), with (both)
          - {target: P-1, provides: Compute capacity, direction: from}
  - code: SEC
    kind: department
    name: Security
    groups:
      - code: S-1
        kind: squad
        name: Identity
        dependencies: [PLAT]                            # shorthand: just the target
"""

#: File name → content, written by ``orgplane init DIR``.
SCAFFOLD_FILES: dict[str, str] = {"org.yaml": _ORG, "groups.yaml": _GROUPS}
