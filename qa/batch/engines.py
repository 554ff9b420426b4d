"""Where pairs run: in this process, in worker processes, or on Ray actors. Each engine yields
one `Outcome` per pair as it finishes (in any order); the driver writes reports and the
manifest, so every engine produces the same files.

- local, `jobs=1`: one `Models` holder in this process, built when the first pair needs it
  (an all-unchanged re-run loads nothing).
- local, `jobs>1`: a `ProcessPoolExecutor` (spawned processes, each with one holder built by
  the initializer).

Workers and actors run torch with the driver's intra-op thread count (or `--threads`): e5's
bf16 matmuls give slightly different numbers (4th decimal) under different thread counts, so
this is what keeps every engine's reports byte-identical to `jobs=1`.
- ray: an `ActorPool` of actors that build one holder each. Input files travel to the actors
  as bytes (a remote cluster need not see this file system) and are written to a temporary
  folder under the same relative names; error messages are mapped back to the real paths.
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qa.batch.pairs import Pair
from qa.batch.work import ModelSpec, Outcome, build_models, check_pair
from qa.errors import InputError
from qa.pipeline import Settings
from qa.runtime import Models

ENGINES = ("local", "ray")


def run_local(
    root: Path, todo: list[Pair], settings: Settings, aligned: bool, spec: ModelSpec
) -> Iterator[Outcome]:
    models: Models | None = None
    for pair in todo:
        if models is None:
            models = build_models(spec)
        yield check_pair(root, pair, settings, aligned, models)


def with_threads(spec: ModelSpec) -> ModelSpec:
    """`spec` with its torch thread count fixed to this process's, so that workers (and Ray
    actors, which Ray would give one thread each) compute exactly what this process would."""
    from dataclasses import replace

    from qa.batch.work import default_threads

    return spec if spec.threads is not None else replace(spec, threads=default_threads())


# --- worker processes -------------------------------------------------------------------------

_WORKER: dict[str, Models] = {}


def _init_worker(spec: ModelSpec) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver handles Ctrl-C
    _WORKER["models"] = build_models(spec)


def _run_in_worker(root: Path, pair: Pair, settings: Settings, aligned: bool) -> Outcome:
    return check_pair(root, pair, settings, aligned, _WORKER["models"])


def run_processes(
    root: Path, todo: list[Pair], settings: Settings, aligned: bool, spec: ModelSpec, jobs: int
) -> Iterator[Outcome]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    jobs = max(1, min(jobs, len(todo)))
    ex = ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(with_threads(spec),),
    )
    try:
        futures = [ex.submit(_run_in_worker, root, p, settings, aligned) for p in todo]
        for f in as_completed(futures):
            yield f.result()
    finally:
        procs = list((getattr(ex, "_processes", None) or {}).values())
        ex.shutdown(wait=False, cancel_futures=True)
        for proc in procs:  # on an interruption: unfinished pairs are redone by the next run
            if proc.is_alive():
                proc.terminate()


# --- Ray --------------------------------------------------------------------------------------


class PairActor:
    """A Ray actor: one Models holder for its lifetime, one `check_pair` per call."""

    def __init__(self, spec: ModelSpec, root_label: str) -> None:
        self.models = build_models(spec)
        self.root_label = root_label

    def check(
        self, pair: Pair, data: dict[str, bytes], settings: Settings, aligned: bool
    ) -> Outcome:
        with tempfile.TemporaryDirectory(prefix="mtqa-ray-") as tmp:
            for role, rel in pair.files().items():
                path = Path(tmp, rel)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data[role])
            out = check_pair(Path(tmp), pair, settings, aligned, self.models)
        if out.error is not None:
            out.error = out.error.replace(str(Path(tmp)) + os.sep, self.root_label)
        return out


def _import_ray() -> Any:
    try:
        import ray
        from ray.util import ActorPool
    except ImportError:
        raise InputError("--engine ray needs Ray: pip install 'mtqa[ray]'") from None
    return ray, ActorPool


def run_ray(
    root: Path,
    todo: list[Pair],
    settings: Settings,
    aligned: bool,
    spec: ModelSpec,
    jobs: int | None,
    address: str | None,
) -> Iterator[Outcome]:
    ray, ActorPool = _import_ray()
    started = _init_ray(ray, address, jobs)
    try:
        n = jobs or max(1, int(ray.cluster_resources().get("CPU", 1)))
        n = max(1, min(n, len(todo)))
        label = "" if str(root) == "." else str(root) + os.sep
        actor = ray.remote(num_cpus=1)(PairActor)
        spec = with_threads(spec)
        pool = ActorPool([actor.remote(spec, label) for _ in range(n)])

        def submit(a: Any, pair: Pair) -> Any:
            data = {role: (root / rel).read_bytes() for role, rel in pair.files().items()}
            return a.check.remote(pair, data, settings, aligned)

        yield from pool.map_unordered(submit, todo)
    finally:
        if started:
            ray.shutdown()


def _init_ray(ray: Any, address: str | None, jobs: int | None) -> bool:
    """Connect to `address`, or start a quiet local instance; True when we started one."""
    import logging

    if ray.is_initialized():
        return False
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    quiet: dict[str, Any] = dict(
        logging_level=logging.ERROR, log_to_driver=False, configure_logging=True
    )
    qa_dir = str(Path(__file__).resolve().parents[1])
    if address:
        # The cluster runs this driver's mtqa code (its dependencies must be installed there).
        try:
            ray.init(address=address, runtime_env={"py_modules": [qa_dir]}, **quiet)
        except (ConnectionError, RuntimeError, ValueError) as e:
            raise InputError(f"--address {address}: cannot connect to Ray: {e}") from None
        return True
    pythonpath = os.pathsep.join(
        p for p in (str(Path(qa_dir).parent), os.environ.get("PYTHONPATH")) if p
    )
    ray.init(
        num_cpus=jobs or os.cpu_count() or 1,
        include_dashboard=False,
        object_store_memory=256 * 1024**2,
        runtime_env={"env_vars": {"PYTHONPATH": pythonpath}},
        **quiet,
    )
    return True
