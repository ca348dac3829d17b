"""The benchmark scripts' shared model folder and report printing."""

from __future__ import annotations

import json

from tts_cli.benchmarks.common import model_folder, print_report


def test_a_given_model_folder_is_used_as_it_is(tmp_path):
    with model_folder(tmp_path, "tiny") as model:
        assert model == tmp_path
    assert tmp_path.is_dir()


def test_random_checkpoints_are_written_for_each_variant_and_removed(tmp_path):
    from tts_cli.models.folders import resolve_folders

    with model_folder(None, "tiny", ("english", "multilingual")) as model:
        folders = resolve_folders(["english", "multilingual"], [model])
        assert set(folders) == {"english", "multilingual"}
        written = model
    assert not written.exists()


def test_reports_print_as_one_json_line_or_aligned_pairs(capsys):
    print_report({"wall_s": 1.5, "sample_identical": True}, as_json=True)
    assert json.loads(capsys.readouterr().out) == {"wall_s": 1.5, "sample_identical": True}
    print_report({"a": 1, "longer_key": "x"}, as_json=False)
    assert capsys.readouterr().out.splitlines() == ["a            1", "longer_key   x"]
