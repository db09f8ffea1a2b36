import pytest
import time_machine

from tests.factories.dashboards import TODAY_AT, build_world


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY_AT, tick=False):
        yield


@pytest.fixture
def world(db, frozen, settings):
    """The hand-counted world, with its summary rows refreshed (as beat would)."""
    from dashboards.refresh import stats_refresh

    settings.DASHBOARD_UNIT_MIN_VOLUME = 3
    w = build_world()
    stats_refresh(full=True)
    return w
