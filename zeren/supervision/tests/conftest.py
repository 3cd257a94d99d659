import pytest

from zeren.org.testing import make_small_tree
from zeren.supervision.models import ApprovalItem


@pytest.fixture
def tree(db):
    return make_small_tree()


@pytest.fixture
def items(tree):
    """A market-registration item (20/10 days, free, two required steps) and a paid housing item."""
    return {
        "reg": ApprovalItem.objects.create(code="SCJG-001", name="企业设立登记", unit=tree["market"],
                                           statutory_days=20, promised_days=10, required_steps=["review", "approve"],
                                           step_limits={"review": 5}),
        "build": ApprovalItem.objects.create(code="ZJ-001", name="建筑工程施工许可", unit=tree["housing"],
                                             statutory_days=15, promised_days=7, fee_standard="200"),
        "district": ApprovalItem.objects.create(code="FT-001", name="食品经营许可", unit=tree["district_market"],
                                                statutory_days=20, promised_days=10),
    }


def event(event_id, case_id, kind, at, item="SCJG-001", unit="SZ-SCJG", **extra):
    return {"event_id": event_id, "case_id": case_id, "item_code": item, "unit_code": unit, "type": kind,
            "at": at, **extra}
