"""Output modes follow the umask; left-overs of killed writers are removed, live ones kept."""

import os
import subprocess
import sys

from numerics.files import publish, remove_stale, tmp_prefix


def test_publish_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        f = tmp_path / "f.txt"
        f.write_text("x")
        os.chmod(f, 0o600)
        d = tmp_path / "d"
        (d / "sub").mkdir(parents=True)
        os.chmod(d, 0o700)
        publish(f)
        publish(d)
        assert f.stat().st_mode & 0o777 == 0o640
        assert d.stat().st_mode & 0o777 == 0o750 and (d / "sub").stat().st_mode & 0o777 == 0o750
    finally:
        os.umask(old)


def test_remove_stale_keeps_live_writers(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (tmp_path / f".c000001.tmp-{dead}-abc").mkdir()
    (tmp_path / f".out.json.tmp-{dead}-xyz").write_text("partial")
    mine = tmp_path / (tmp_prefix("c000002") + "def")
    mine.mkdir()
    (tmp_path / "c000003").mkdir()  # a finished chunk is not a temporary
    assert remove_stale(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, "c000003"])
