"""Les limites d'un interne dans ses cgroups (v1), écrites pour de vrai sous /sys/fs/cgroup."""

from __future__ import annotations

import os

import pytest

from atelier_mg.hub import spawner


@pytest.fixture
def account():
    name = f"essai-cgroups-{os.getpid()}"
    yield name
    for folder in spawner.cgroup_dirs(name).values():
        if folder.exists():
            folder.rmdir()


def test_the_memory_limit_can_be_raised_and_lowered_between_two_starts(account):
    assert spawner.cgroups_writable(), "les tests du hub demandent des cgroups v1 accessibles en écriture (root)"
    gib = 1024 ** 3
    dirs = spawner.prepare_cgroups(account, gib // 2, 1.0, 64)
    memory = dirs["memory"]
    swap = memory / "memory.memsw.limit_in_bytes"
    # A setting raised since the last start (memory + swap was 0.5 GiB): refused with EINVAL before.
    spawner.prepare_cgroups(account, 2 * gib, 1.0, 64)
    assert int((memory / "memory.limit_in_bytes").read_text()) == 2 * gib
    if swap.exists():
        assert int(swap.read_text()) == 2 * gib
    # And lowered again.
    spawner.prepare_cgroups(account, gib // 4, 0.5, 32)
    assert int((memory / "memory.limit_in_bytes").read_text()) == gib // 4
    if swap.exists():
        assert int(swap.read_text()) == gib // 4
    assert int((dirs["cpu"] / "cpu.cfs_quota_us").read_text()) == 50_000
    if "pids" in dirs:
        assert (dirs["pids"] / "pids.max").read_text().strip() == "32"
