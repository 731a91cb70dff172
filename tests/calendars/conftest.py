"""Servers for the external-calendar tests: a small HTTP server on 127.0.0.1 whose answers a
test sets, and a real Radicale CalDAV server in a subprocess."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

RADICALE_USER = "aino"
RADICALE_PASSWORD = "kalenteri-salasana"


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    declare_length: bool = True
    """False sends no Content-Length and ends the body by closing the connection."""


@dataclass
class CalendarServer:
    """Answers GET requests with what `serve` / `redirect` set per path; 404 otherwise."""

    base_url: str
    answers: dict[str, Answer] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def serve(self, path: str, body: bytes, **answer: object) -> str:
        self.answers[path] = Answer(body=body, **answer)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.answers[path] = Answer(status=status, headers={"Location": location})
        return self.url(path)


def _handler(server: CalendarServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            server.requests.append((self.path, dict(self.headers.items())))
            answer = server.answers.get(self.path, Answer(status=404, body=b"not here"))
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if answer.declare_length:
                self.send_header("Content-Length", str(len(answer.body)))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def calendar_server() -> Iterator[CalendarServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = httpd.server_address[1]
    server = CalendarServer(base_url=f"http://127.0.0.1:{port}")
    httpd.RequestHandlerClass = _handler(server)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def closed_port_url() -> str:
    """An address where nothing listens: the port was free a moment ago and is closed now."""
    return f"http://127.0.0.1:{_free_port()}/calendar.ics"


@dataclass
class SilentServer:
    """An address that takes connections and never answers; `connected` is set once a
    client has connected (so a test waits for that, not for a fixed time)."""

    url: str
    connected: threading.Event


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        connected = threading.Event()
        held: list[socket.socket] = []

        def accept() -> None:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            held.append(connection)
            connected.set()

        threading.Thread(target=accept, daemon=True).start()
        yield SilentServer(f"http://127.0.0.1:{listener.getsockname()[1]}/calendar.ics", connected)
        for connection in held:
            connection.close()


@pytest.fixture
def silent_server_url(silent_server: SilentServer) -> str:
    return silent_server.url


def _wait_until_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    for _ in range(300):
        if process.poll() is not None:
            pytest.fail(f"Radicale exited:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"Radicale did not start listening:\n{log.read_text()}")


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a Radicale server with one user (htpasswd, plain) and empty storage."""
    pytest.importorskip("radicale", reason="Radicale comes with the test extra: .[test]")
    folder = tmp_path_factory.mktemp("radicale")
    users = folder / "users"
    users.write_text(f"{RADICALE_USER}:{RADICALE_PASSWORD}\n")
    log = folder / "radicale.log"
    port = _free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "radicale",
                "--config",
                "",
                f"--server-hosts=127.0.0.1:{port}",
                f"--storage-filesystem-folder={folder / 'storage'}",
                "--auth-type=htpasswd",
                f"--auth-htpasswd-filename={users}",
                "--auth-htpasswd-encryption=plain",
                "--logging-level=warning",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_listening(process, port, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
