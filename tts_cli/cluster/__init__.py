"""A shelf of books on a Ray cluster: the one-machine batch mode's plan, engine, store and
assembly, spread over a pool of workers (``ttsgen BOOK... -o DIR/ --ray ADDRESS``).

* ``options``: ``RayOptions`` (``--ray``, ``--workers``, ``--gpus-per-worker``), checked
  before anything loads, and the lazy import of ray;
* ``actors``: the worker that loads each model once and speaks batches of chunks into the
  shared store, and the CPU task that assembles a book from its stored chunks;
* ``driver``: the run itself: start the workers, hand them batches, assemble each book as
  soon as its chunks are stored, report progress and the summary.

Nothing here is imported unless ``--ray`` is given, and ray only then.
"""
