from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def small_path() -> Path:
    return DATA / "small.yaml"


@pytest.fixture
def small_text(small_path) -> str:
    return small_path.read_text()
