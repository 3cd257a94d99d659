"""Which role may do what (权限规则). Pure data: the scope (where) is applied by ``scope.py``.

Capabilities are verbs on the domain. Apps add their own by extending
:data:`ROLE_CAPABILITIES` here, so one table answers "who may do this?".
"""

from __future__ import annotations

from zeren.access.models import Role

VIEW = "view"  # read internal records of units in scope
EDIT = "edit"  # change records of units in scope (own work)
APPROVE = "approve"  # sign off on a unit's records (负责人审核)
SUPERVISE = "supervise"  # supervision: alerts, cases, referrals (监察)
EVALUATE = "evaluate"  # performance evaluation (绩效评估)
ADMINISTER = "administer"  # registry, imports, users
# The function catalogue's owner (机构编制部门, 编办): decides who leads an item, merges and splits items
# when resolving duty findings. Not a department's own staff: they are a party to the overlap.
ADMINISTER_DUTIES = "administer_duties"

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.STAFF: frozenset({VIEW, EDIT}),
    Role.UNIT_HEAD: frozenset({VIEW, EDIT, APPROVE}),
    Role.SUPERVISION_OFFICER: frozenset({VIEW, SUPERVISE}),
    Role.PERFORMANCE_OFFICER: frozenset({VIEW, EVALUATE}),
    Role.LEADER: frozenset({VIEW}),
    Role.ESTABLISHMENT_OFFICER: frozenset({VIEW, ADMINISTER_DUTIES}),
    Role.ADMIN: frozenset({VIEW, EDIT, APPROVE, SUPERVISE, EVALUATE, ADMINISTER, ADMINISTER_DUTIES}),
}


def role_grants(role: str, capability: str) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())


def path_in_scope(unit_path: str, scope_paths: list[str]) -> bool:
    """A unit is in scope when its path lies under one of the scope paths."""
    return any(unit_path.startswith(p) for p in scope_paths)
