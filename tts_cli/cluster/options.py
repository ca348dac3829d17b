"""``--ray ADDRESS``, ``--workers`` and ``--gpus-per-worker``: what they mean, checked before
any book is read or any model loads; ray itself imported only when a run needs it."""

from __future__ import annotations

from dataclasses import dataclass

from tts_cli.errors import OptionError

#: ``--ray local`` starts a Ray instance on this machine for the run (and stops it after).
LOCAL = "local"
#: ``--ray auto`` joins the cluster that ``ray start`` made on this machine.
AUTO = "auto"
#: Actors on a cluster without GPUs (``--workers auto``): one, so that the other CPUs are
#: left to reading and assembling books (give ``--workers N`` on a CPU cluster).
CPU_WORKERS_DEFAULT = 1
#: CPUs each worker reserves (its engine's threads; the rest are for assembly tasks).
CPUS_PER_WORKER = 1
RAY_MISSING = "ray is not installed; pip install 'ttsgen[ray]'"


class RayMissing(OptionError):
    """``--ray`` without the ray package (exit code 2, like every other bad option)."""

    def __init__(self) -> None:
        super().__init__(RAY_MISSING)


@dataclass(frozen=True)
class RayOptions:
    """Where and how a run spreads over a Ray cluster (the command line's values)."""

    address: str | None
    """``local`` (start one here), ``auto`` (the cluster ``ray start`` made), or a cluster
    address (``head:6379``, ``ray://head:10001``); None only when another option was given
    without ``--ray`` (an error)."""
    workers: str | None = None
    """``auto`` or a whole number of workers (None: auto: one per GPU of the cluster, or
    ``CPU_WORKERS_DEFAULT`` on a cluster without GPUs)."""
    gpus_per_worker: float | None = None
    """GPUs each worker holds (None: 1 on a cluster with GPUs, 0 without; 0.5 puts two
    workers on each GPU; 0 runs CPU workers even where there are GPUs)."""

    @classmethod
    def given(cls, address, workers, gpus_per_worker) -> RayOptions | None:
        """The options as typed; None when none of them was (a one-machine run)."""
        if address is None and workers is None and gpus_per_worker is None:
            return None
        return cls(address, workers, gpus_per_worker)

    @property
    def worker_count(self) -> int | None:
        """``--workers`` as a number (None: auto)."""
        if self.workers is None or str(self.workers).strip().lower() == "auto":
            return None
        return int(self.workers)

    def validate(self) -> None:
        if self.address is None:
            given = "--workers" if self.workers is not None else "--gpus-per-worker"
            raise OptionError(
                f"{given} only applies to a Ray run", "add --ray local, --ray auto or --ray ADDRESS"
            )
        if not str(self.address).strip():
            raise OptionError("--ray needs an address", "give local, auto or host:port")
        try:
            count = self.worker_count
        except ValueError:
            raise OptionError(
                f"--workers {self.workers!r} is not a number", "give auto or a whole number >= 1"
            ) from None
        if count is not None and count < 1:
            raise OptionError(
                f"--workers {count} leaves no worker to speak the chunks",
                "give auto or a whole number >= 1",
            )
        gpus = self.gpus_per_worker
        if gpus is not None and not 0 <= gpus <= 64:
            raise OptionError(
                f"--gpus-per-worker {gpus:g} is out of range",
                "give 0 (CPU workers) or a share of GPUs such as 1 or 0.5",
            )


def check_cluster_request(req) -> None:
    """What a Ray run needs besides its options: ray, a file output, a work directory that
    every worker can reach."""
    req.ray.validate()
    import_ray()
    if req.output in (None, "-"):
        raise OptionError(
            "--ray writes files: -o - (stdout) cannot be shared by workers",
            "give -o DIR/ (or an output file)",
        )
    if str(req.work_dir or "").lower().startswith("memory://"):
        raise OptionError(
            f"--work-dir {req.work_dir} lives in this process's memory, which Ray workers "
            "cannot see",
            "give a shared folder or an object-store URL (s3://bucket/prefix)",
        )


def import_ray():
    """The ray module, or ``RayMissing`` (a one-line error) when it is not installed."""
    try:
        import ray
    except ImportError:
        raise RayMissing() from None
    return ray
