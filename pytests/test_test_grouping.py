"""`make test` runs `pytest -n 2 --dist loadgroup`, and tests sharing one warehouse file or
one expensive fixture carry an `xdist_group` mark so that they run on one worker. pytest 9.2
with pytest-xdist 3.8 silently ignores the marks (pytest-xdist#1386): this test catches
such a pairing of versions before the suite's fixtures start running twice or colliding."""

import subprocess
import sys
from pathlib import Path

GROUPED_TESTS = """
import pytest

@pytest.mark.xdist_group(name="one_worker")
@pytest.mark.parametrize("i", range(4))
def test_grouped(i):
    pass
"""


def test_xdist_groups_keep_their_tests_on_one_worker(tmp_path: Path) -> None:
    (tmp_path / "test_first.py").write_text(GROUPED_TESTS)
    (tmp_path / "test_second.py").write_text(GROUPED_TESTS)
    pytest = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-c", "/dev/null"]
    result = subprocess.run(
        [*pytest, "-n", "2", "--dist", "loadgroup", "-v", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    passed = [line for line in result.stdout.splitlines() if " PASSED " in line]
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(passed) == 8, result.stdout
    workers = {line.split("]")[0].strip("[") for line in passed}
    assert len(workers) == 1, f"grouped tests ran on {sorted(workers)}:\n{result.stdout}"
    assert all(line.split()[-1].endswith("@one_worker") for line in passed), result.stdout
