"""Tests of reading a catalog file: only regular files are read, and never past the limit."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from infra.catalog import yamlsource
from infra.catalog.loader import load_catalog


def _only_finding(path: Path | str) -> tuple[str, str]:
    result = load_catalog(path)
    assert result.catalog is None
    assert len(result.findings) == 1
    finding = result.findings[0]
    assert (finding.position.line, finding.position.col) == (1, 1)
    return finding.code, finding.message


def test_a_directory_is_refused_with_a_finding(tmp_path: Path) -> None:
    code, message = _only_finding(tmp_path)
    assert code == "unreadable-file"
    assert "directory" in message


def test_an_empty_path_says_it_means_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, message = _only_finding("")
    assert code == "unreadable-file"
    assert "empty path" in message


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_without_reading_it() -> None:
    code, message = _only_finding("/dev/zero")
    assert code == "unreadable-file"
    assert "not a regular file" in message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "catalog.yaml"
    os.mkfifo(fifo)
    # A reader that waits for a writer would get this writer's empty stream and report an
    # empty catalog instead of hanging the test.
    writer = threading.Thread(target=lambda: os.close(os.open(fifo, os.O_WRONLY)), daemon=True)
    writer.start()
    try:
        code, _ = _only_finding(fifo)
    finally:
        while writer.is_alive():  # the writer may not have reached its `open` yet
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
            writer.join(0.01)
    assert code == "unreadable-file"


def test_a_file_over_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsource, "MAX_FILE_BYTES", 100)
    big = tmp_path / "catalog.yaml"
    big.write_text("# padding\n" * 20, encoding="utf-8")
    code, _ = _only_finding(big)
    assert code == "file-too-large"
