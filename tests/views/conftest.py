import pytest
from streamlit import config


@pytest.fixture(autouse=True, scope="module")
def full_error_details():
    """The project hides tracebacks from users; a failing test should show them."""
    previous = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    yield
    config.set_option("client.showErrorDetails", previous)
