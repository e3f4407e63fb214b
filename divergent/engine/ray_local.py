"""A local Ray instance confined to loopback: the child process ``--verify-on ray`` starts.

Ray's own servers bind every interface and have no setting against it, so this
process first moves into new user and network namespaces holding nothing but
loopback (Linux), then starts Ray there. Jobs come in on stdin and verdicts go out
on stdout, one JSON object a line (engine/verify_ray.LocalRay is the other end).
It imports the standard library only before it is confined: unsharing a user
namespace needs a process with one thread.
"""

from __future__ import annotations

import argparse
import ctypes
import fcntl
import json
import os
import socket
import struct
import sys
import threading
from pathlib import Path

from divergent.context.scratch import verify_in_scratch

CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def confine_to_loopback() -> None:
    """Move this (single-threaded) process into new user and network namespaces, keeping its
    uid, and bring their loopback up: nothing it or its children bind is reachable from outside."""
    uid, gid = os.getuid(), os.getgid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), f"unshare: {os.strerror(ctypes.get_errno())}")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        Path(f"/proc/self/{name}").write_text(text)
    loopback_up()


def loopback_up() -> None:
    """Bring up the loopback interface of this process's network namespace (a new one has it down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        flags = struct.unpack("16sH22x", fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack("16sH22x", b"lo", 0)))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", flags | IFF_UP))


def serve(cpus: int) -> None:
    """The child: a local Ray instance in a loopback-only namespace, running the jobs read from
    stdin (one JSON object a line) and writing each verdict to stdout as it lands."""
    out = sys.stdout
    sys.stdout = sys.stderr  # Ray's chatter must not mix with the verdicts
    try:
        confine_to_loopback()
        import ray

        ray.init(address="local", num_cpus=cpus, include_dashboard=False, _node_ip_address="127.0.0.1", logging_level="ERROR", log_to_driver=False)
    except Exception as error:  # noqa: BLE001 - said to the parent, which refuses in one line
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}), file=out, flush=True)
        return
    task = ray.remote(num_cpus=1, max_retries=0)(verify_in_scratch)
    bundles: dict[str, object] = {}
    lock = threading.Lock()

    def answer(job: dict, ref) -> None:
        try:
            passed, output = ray.get(ref)
        except Exception as error:  # noqa: BLE001 - a worker that died is a failed verdict
            passed, output = False, f"the Ray task failed: {error}"
        with lock:
            print(json.dumps({"id": job["id"], "passed": passed, "output": output}), file=out, flush=True)

    print(json.dumps({"ready": True}), file=out, flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        if job["bundle"] not in bundles:
            bundles[job["bundle"]] = ray.put(Path(job["bundle"]).read_bytes())
        ref = task.options(runtime_env={"env_vars": job["env"]}).remote(bundles[job["bundle"]], job["commit"], job["patch"], job["argv"], job["timeout"])
        threading.Thread(target=answer, args=(job, ref), daemon=True).start()
    ray.shutdown()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="a local Ray instance confined to loopback (divergent's --verify-on ray)")
    parser.add_argument("--cpus", type=int, required=True)
    serve(parser.parse_args().cpus)
