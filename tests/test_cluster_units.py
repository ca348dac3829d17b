"""Placement of Ray workers and the Ray options, without Ray: a stand-in that reports a
cluster's resources (GPU clusters cannot be started here)."""

from __future__ import annotations

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
