"""Child processes: a free loopback port and a clean stop."""

import socket
import subprocess
import sys

import pytest

from core.processes import free_port, stop_process

pytestmark = pytest.mark.unit


def test_a_free_port_can_be_bound() -> None:
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))


def test_a_running_process_is_stopped_and_an_ended_or_missing_one_is_left_alone() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    stop_process(process, grace_s=5)
    assert process.poll() is not None
    stop_process(process, grace_s=5)  # already ended: nothing to do
    stop_process(None, grace_s=5)
