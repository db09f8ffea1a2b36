import pytest
from django.contrib.contenttypes.models import ContentType

from core.scoping import Role
from tests.factories import CommitteeFactory, make_user
from tests.factories.members import make_county


@pytest.fixture
def city(db):
    from members.models import Committee

    return CommitteeFactory(name="政协测试市委员会", short_name="测试市政协", level=Committee.Level.CITY)


@pytest.fixture
def county_a(city):
    return make_county("甲县", parent=city)


@pytest.fixture
def county_b(city):
    return make_county("乙县", parent=city, townships={"北岗镇": ["北岗村", "南岗村"]})


@pytest.fixture
def staff_a(county_a):
    return make_user("staff_a", Role.STAFF, committee=county_a.committee)


@pytest.fixture
def staff_b(county_b):
    return make_user("staff_b", Role.STAFF, committee=county_b.committee)


@pytest.fixture
def city_staff(city):
    return make_user("city_staff", Role.STAFF, committee=city)


@pytest.fixture
def leader_a(county_a):
    user = make_user("leader_a", Role.LEADER, committee=county_a.committee)
    user.is_staff = True  # leaders read the admin (read only), as the demo leader does
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture(autouse=True)
def _clear_contenttype_cache():
    ContentType.objects.clear_cache()
    yield
