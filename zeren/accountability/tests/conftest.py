import json

import pytest

from zeren.org.testing import make_small_tree, make_user


@pytest.fixture
def tree(db):
    return make_small_tree()


@pytest.fixture
def officer(tree):
    """A supervision officer of the city's supervision bureau, city-wide."""
    return make_user("officer", "supervision_officer", tree["city"], unit=tree["supervision"])


@pytest.fixture
def write_json(tmp_path):
    def write(data, name="incidents.json"):
        path = tmp_path / name
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return path
    return write
