"""`make serve`'s profile: process counts from the environment."""

from __future__ import annotations

from luukku.serve import Profile


def test_counts_come_from_the_environment():
    profile = Profile.from_env(
        {"WEB_CONCURRENCY": "4", "WORKER_CONCURRENCY": "2", "HOST": "127.0.0.2", "PORT": "18080"}
    )
    app, *workers = profile.commands()
    assert app[app.index("--workers") + 1] == "4"
    assert app[app.index("--host") + 1 : app.index("--port") + 2] == [
        "127.0.0.2",
        "--port",
        "18080",
    ]
    assert len(workers) == 2
    assert all(worker[-1] == "worker" for worker in workers)


def test_defaults_are_two_app_processes_and_one_worker():
    app, *workers = Profile.from_env({}).commands()
    assert app[app.index("--workers") + 1] == "2"
    assert app[3] == "app:app"
    assert len(workers) == 1
