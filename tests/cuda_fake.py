"""A recording stand-in for ``torch.cuda``: which GPU each CUDA call went to, on a CPU."""

from __future__ import annotations

import contextlib

import torch


class RecordingCuda:
    """Patches the ``torch.cuda`` functions the engine calls; ``calls`` lists
    ``(name, torch.device)``: the device a call named, or the current one where it named none."""

    def __init__(self, monkeypatch, free_bytes: int = 8 << 30):
        self.calls: list[tuple[str, torch.device]] = []
        self.current = 0
        self.free_bytes = free_bytes
        fake = self

        def where(device=None) -> torch.device:
            if device is None:
                return torch.device("cuda", fake.current)
            if isinstance(device, int):
                return torch.device("cuda", device)
            dev = torch.device(device)
            return dev if dev.index is not None else torch.device("cuda", fake.current)

        def record(name, device=None):
            fake.calls.append((name, where(device)))

        class Stream:
            def __init__(self, device=None, **_):
                record("Stream", device)

            def wait_stream(self, other):
                pass

        class Graph:
            def __init__(self):
                record("CUDAGraph")
                self.replays = 0

            def replay(self):
                record("replay")
                self.replays += 1

        class Event:
            def record(self, stream=None):
                pass

            def synchronize(self):
                pass

        class Device:
            def __init__(self, device):
                self.index = where(device).index

            def __enter__(self):
                self.before, fake.current = fake.current, self.index
                record("device")

            def __exit__(self, *exc):
                fake.current = self.before

        @contextlib.contextmanager
        def graph(g, pool=None, stream=None, **_):
            record("graph")
            yield

        def mem_get_info(device=None):
            record("mem_get_info", device)
            return fake.free_bytes, 2 * fake.free_bytes

        def memory_allocated(device=None):
            record("memory_allocated", device)
            return 0

        def current_stream(device=None):
            record("current_stream", device)
            return Stream.__new__(Stream)

        patches = {
            "is_available": lambda: True,
            "device_count": lambda: 8,
            "synchronize": lambda device=None: record("synchronize", device),
            "empty_cache": lambda: record("empty_cache"),
            "mem_get_info": mem_get_info,
            "memory_allocated": memory_allocated,
            "current_device": lambda: fake.current,
            "current_stream": current_stream,
            "stream": lambda s: contextlib.nullcontext(),
            "Stream": Stream,
            "CUDAGraph": Graph,
            "Event": Event,
            "graph": graph,
            "graph_pool_handle": lambda: object(),
            "device": Device,
        }
        for name, value in patches.items():
            monkeypatch.setattr(torch.cuda, name, value, raising=False)

    def devices(self) -> set[torch.device]:
        return {dev for _, dev in self.calls}

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]
