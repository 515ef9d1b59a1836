from pathlib import Path

import pytest

from factions.dashboard import ScenarioLibrary

SMALL = Path(__file__).parents[1] / "data" / "small.yaml"


@pytest.fixture(scope="session")
def small_library() -> ScenarioLibrary:
    return ScenarioLibrary(SMALL)


def request(**changes) -> dict:
    base = {"scenario": "file", "start": "historical", "shocks": ["surge", "ceasefire"],
            "inputs": {}, "replicas": 1}
    return {**base, **changes}
