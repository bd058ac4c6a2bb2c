"""Run a command where the disk misbehaves: a full tmpfs, or a read-only bind mount.

Everything happens inside a new mount namespace (`unshare -m`; util-linux makes its mounts
private, so nothing reaches the host's mount table): a shell mounts what the fault needs,
records a checksum of every file under the data dir, runs the command, records them again,
and exits with the command's code. The mounts vanish with the namespace, so the checksums are
how a test sees whether the command touched any data.

`without_dac_override` runs a command as root but without the capabilities that let root read
any file, so that a chmod 000 file is unreadable to it as it would be to any other user.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from tests.netns import unshare_prefix

TMPFS_SIZE = "1m"


def q(path: Path | str) -> str:
    return shlex.quote(str(path))


def tmpfs(mountpoint: Path, size: str = TMPFS_SIZE) -> str:
    return (
        f"mkdir -p {q(mountpoint)} && mount -t tmpfs -o size={size},mode=0755 "
        f"jadwal-test {q(mountpoint)}"
    )


def fill(mountpoint: Path) -> str:
    """Fill the file system holding `mountpoint` until writes fail (ENOSPC)."""
    return f"cat /dev/zero > {q(mountpoint / 'filler')} 2>/dev/null || true"


def copy_in(source: Path, target: Path) -> str:
    return f"cp -a {q(source)} {q(target)}"


def read_only(path: Path) -> str:
    return f"mount --bind {q(path)} {q(path)} && mount -o remount,bind,ro {q(path)}"


@functools.cache
def mount_problem() -> str | None:
    """None when this machine lets the tests mount in a private mount namespace."""
    prefix, why = unshare_prefix("-m")
    if prefix is None:
        return f"`unshare -m` is not available: {why}"
    probe = subprocess.run(
        [*prefix, "sh", "-c", "mount -t tmpfs -o size=64k t /mnt"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return f"cannot mount a tmpfs in a mount namespace: {probe.stderr.strip()}"
    return None


def in_namespace(
    setup: Sequence[str], data_dir: Path, record: Path, command: Sequence[str], *extra_unshare: str
) -> list[str]:
    """The argv that runs `command` after `setup` in new namespaces (`-m` plus `extra`),
    writing `record`.before and `record`.after: 'checksum  ./relative/path' per data file."""
    prefix, why = unshare_prefix("-m", *extra_unshare)
    assert prefix is not None, why
    snapshot = (
        f"snapshot() {{ if [ -d {q(data_dir)} ]; then (cd {q(data_dir)} && "
        "find . -type f ! -path './logs/*' ! -name bot.lock -exec sha256sum {} + "
        '| sort); fi > "$1"; }'
    )
    script = "\n".join(
        [
            "set -e",
            *setup,
            snapshot,
            f"snapshot {q(str(record) + '.before')}",
            "set +e",
            '"$@"',
            "code=$?",
            f"snapshot {q(str(record) + '.after')}",
            "exit $code",
        ]
    )
    return [*prefix, "sh", "-c", script, "faultfs", *command]


def snapshots(record: Path) -> tuple[str, str]:
    return (Path(f"{record}.before").read_text(), Path(f"{record}.after").read_text())


def without_dac_override() -> list[str] | None:
    """A prefix that drops root's power to read any file, or None where it is not needed
    (not root) or not possible (no setpriv)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return None
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]
