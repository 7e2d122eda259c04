import pytest

from tests.support import Actors, make_actors, make_regions


@pytest.fixture
def regions(db: None) -> None:
    make_regions()


@pytest.fixture
def actors(regions: None) -> Actors:
    return make_actors()
