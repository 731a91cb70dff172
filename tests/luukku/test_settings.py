"""Settings read from the environment: the public address follows HOST and PORT."""

from __future__ import annotations

from luukku.settings import Settings


def test_links_follow_the_port_make_run_was_given() -> None:
    settings = Settings.from_env({"HOST": "127.0.0.1", "PORT": "8123"})
    assert settings.public_base_url == "http://127.0.0.1:8123"


def test_an_address_listening_everywhere_is_linked_as_this_machine() -> None:
    everywhere = {"HOST": "0.0.0.0", "PORT": "9000"}  # noqa: S104 - what is being tested
    assert Settings.from_env(everywhere).public_base_url == ("http://127.0.0.1:9000")


def test_public_base_url_when_set_wins_over_host_and_port() -> None:
    settings = Settings.from_env(
        {"PUBLIC_BASE_URL": "https://ajanvaraus.example.fi/", "PORT": "8123"}
    )
    assert settings.public_base_url == "https://ajanvaraus.example.fi"


def test_without_host_or_port_the_default_address_stays() -> None:
    assert Settings.from_env({}).public_base_url == "http://127.0.0.1:8000"
