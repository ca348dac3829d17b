"""Placement of Ray workers and the Ray options, without Ray: a stand-in that reports a
cluster's resources (GPU clusters cannot be started here)."""

from __future__ import annotations

import time

import pytest

from tts_cli.cluster.driver import _placement
from tts_cli.cluster.options import RayOptions
from tts_cli.errors import DeviceError, OptionError


class FakeRay:
    def __init__(self, **resources):
        self.resources = resources

    def cluster_resources(self):
        return dict(self.resources)


def test_no_ray_option_means_one_machine():
    assert RayOptions.given(None, None, None) is None
    assert RayOptions.given("auto", None, None) == RayOptions("auto")


@pytest.mark.parametrize(
    ("resources", "workers", "share", "expected"),
    [
        ({"CPU": 64, "GPU": 8}, None, None, (8, 1.0)),  # one per GPU
        ({"CPU": 64, "GPU": 8}, None, 0.5, (16, 0.5)),  # two per GPU
        ({"CPU": 64, "GPU": 8}, "4", None, (4, 1.0)),
        ({"CPU": 64, "GPU": 8}, "3", 0.0, (3, 0.0)),  # CPU workers beside GPUs
        ({"CPU": 2}, None, None, (1, 0.0)),  # no GPUs: one CPU worker
        ({"CPU": 16}, "auto", None, (1, 0.0)),
    ],
)
def test_placement(resources, workers, share, expected):
    options = RayOptions("auto", workers, share)
    options.validate()
    assert _placement(FakeRay(**resources), options) == expected


def test_gpus_asked_of_a_cluster_without_them():
    with pytest.raises(DeviceError, match="has no GPUs") as err:
        _placement(FakeRay(CPU=8), RayOptions("auto", None, 1.0))
    assert "--gpus-per-worker 0" in err.value.fix


def test_more_gpus_than_the_cluster_has():
    with pytest.raises(OptionError, match=r"need 6 GPUs; the Ray cluster has 4"):
        _placement(FakeRay(CPU=64, GPU=4), RayOptions("auto", "6", 1.0))


def test_each_worker_and_assembly_need_a_cpu():
    with pytest.raises(OptionError, match="4 workers need 4 CPUs and assembly one more"):
        _placement(FakeRay(CPU=4, GPU=4), RayOptions("auto", None, None))


def test_cluster_totals_count_restarts_and_books_per_gpu():
    from types import SimpleNamespace

    from tts_cli.cluster.report import cluster_totals, overall_line, progress

    books = [SimpleNamespace(done=4, made=3, reused=1), SimpleNamespace(done=2, made=2, reused=0)]
    totals = cluster_totals(
        address="auto",
        workers=4,
        gpus_per_worker=0.5,
        info={"device": "cuda", "host": "n1"},
        pids=[{11}, {12, 13}, {14}, {15, 16, 17}],
        books=books,
        speech_seconds=90.0,
        results=[{"audio_seconds": 1800.0}, {"audio_seconds": 1800.0}],
        wall=360.0,
    )
    assert totals["worker_restarts"] == 3 and totals["chunks_synthesized"] == 5
    assert totals["audio_hours"] == 1.0 and totals["x_realtime"] == 10.0
    assert totals["books_per_hour"] == 20.0 and totals["books_per_hour_per_gpu"] == 10.0
    p = progress(books, 10, 7200.0, time.perf_counter() - 100.0, 5)
    assert (p.chunks_done, p.chunks_total) == (6, 10)
    assert overall_line(p).startswith("6/10 chunks, 2.00 h audio made, 7")
