import pytest

from tests.factories.opinions import make_world


@pytest.fixture
def w(db):
    return make_world()
