"""Code that Python's parser gives up on, and work that outlives its request: a 4xx, and no process left.

`a a a ...` thousands of times makes the parser run out of memory, `1+1+...` thousands of terms
deep makes it run out of recursion; both used to be answered 500. The parsing runs in a child
process, and ruff in one of its own: both are killed when the request is cancelled.
"""

from __future__ import annotations

import asyncio
import gzip
import io
import os
import tarfile
import time

import psutil
import pytest

from codexcontinue import InputError
from codexcontinue_developer.isolation import AnalysisCrashed, run_isolated
from codexcontinue_developer.lint import lint

API = "/api/v1/developer"
PARSER_KILLERS = {
    "names in a row": "a " * 6000,  # MemoryError from the parser
    "a long sum": "x = " + "+".join(["1"] * 3000) + "\n",  # RecursionError while building the tree
}
MiB = 1024 * 1024


def post(client, route: str, code: str):  # noqa: ANN001, ANN201 - the test client and its answer
    """The same code sent to a route as pasted JSON (`.../code`) or as an uploaded `module.py`."""
    review = {"function": "f"} if route.startswith("/review") else {}
    if route.endswith("/code"):
        return client.post(f"{API}{route}", json={"filename": "module.py", "code": code, **review})
    form = {"path": "module.py", **review} if review else {}
    return client.post(f"{API}{route}", files={"file": ("module.py", code.encode())}, data=form)


@pytest.mark.parametrize("route", ["/analysis/code", "/analysis", "/docs/code", "/docs", "/review/code", "/review"])
@pytest.mark.parametrize("shape", list(PARSER_KILLERS))
def test_code_the_parser_gives_up_on_is_a_422_naming_the_file(pack_client, route, shape):
    response = post(pack_client, route, PARSER_KILLERS[shape])
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(
        "'module.py' is nested too deeply or repeats one expression too long for Python's parser, which gave up"
    )


def test_the_other_files_of_an_archive_are_named_too(pack_client, make_zip):
    archive = make_zip({"pkg/__init__.py": b"", "pkg/fine.py": b"def f():\n    return 1\n",
                        "pkg/generated.py": PARSER_KILLERS["a long sum"].encode()})  # fmt: skip
    response = pack_client.post(f"{API}/analysis", files={"file": ("pkg.zip", archive)})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("'pkg/generated.py' is nested too deeply")


def forkserver_children() -> list[psutil.Process]:
    """The analysis processes of this test process (children of its multiprocessing forkserver)."""
    servers = [p for p in psutil.Process().children() if "forkserver" in " ".join(p.cmdline())]
    return [child for server in servers for child in server.children()]


async def started(find, timeout: float = 20.0) -> psutil.Process:  # noqa: ANN001 - a function returning processes
    deadline = time.monotonic() + timeout
    while not (found := find()):
        assert time.monotonic() < deadline, "the process never started"
        await asyncio.sleep(0.02)
    return found[0]


async def test_the_analysis_process_is_killed_when_its_request_is_cancelled():
    work = asyncio.create_task(run_isolated(time.sleep, 60, memory_bytes=512 * MiB, processes=1))
    child = await started(forkserver_children)
    work.cancel()
    with pytest.raises(asyncio.CancelledError):
        await work
    assert not child.is_running()


async def test_ruff_is_killed_when_its_request_is_cancelled(tmp_path):
    files = [f"module_{number}.py" for number in range(20)]
    for name in files:
        (tmp_path / name).write_text("x = 1\n" * 170_000)  # 1 MB each: ruff needs seconds for all of them
    work = asyncio.create_task(lint(tmp_path, files, ["ALL"], timeout_s=120))
    ruff = await started(lambda: [p for p in psutil.Process().children() if p.name().startswith("ruff")])
    work.cancel()
    with pytest.raises(asyncio.CancelledError):
        await work
    assert not ruff.is_running()


async def test_a_child_over_its_memory_cap_is_a_413_and_a_crash_is_an_error_not_a_hang():
    with pytest.raises(InputError) as refused:
        await run_isolated(bytearray, 1024 * MiB, memory_bytes=512 * MiB, processes=1)
    assert refused.value.status == 413 and "CODEXCONTINUE_DEVELOPER__MAX_ANALYSIS_MEMORY_BYTES" in refused.value.message
    with pytest.raises(AnalysisCrashed, match="exit code 3"):
        await run_isolated(os._exit, 3, memory_bytes=512 * MiB, processes=1)


def gnu_long_name_bomb(claimed: int) -> bytes:
    """A .tar.gz whose one header is a GNU long name of `claimed` bytes (zeros: gzip packs them ~1000:1)."""
    header = tarfile.TarInfo("././@LongLink")
    header.type, header.size = tarfile.GNUTYPE_LONGNAME, claimed
    packed = io.BytesIO()
    with gzip.GzipFile(fileobj=packed, mode="wb", compresslevel=9) as archive:
        archive.write(header.tobuf(format=tarfile.GNU_FORMAT))
        for _ in range(claimed // MiB):
            archive.write(bytes(MiB))
        archive.write(bytes(1024))
    return packed.getvalue()


def test_a_tar_header_that_unpacks_to_a_gigabyte_is_a_413_and_the_api_does_not_swell(client_with):
    client = client_with(MAX_ANALYSIS_MEMORY_BYTES=str(512 * MiB))
    bomb = gnu_long_name_bomb(1024 * MiB)  # about 1 MB uploaded
    before = psutil.Process().memory_info().rss
    response = client.post(f"{API}/analysis", files={"file": ("bomb.tar.gz", bomb)})
    assert response.status_code == 413, response.text
    assert response.json()["detail"].startswith("'bomb.tar.gz' needs more memory to unpack than a request may use")
    assert psutil.Process().memory_info().rss - before < 100 * MiB  # the gigabyte was the child's problem
