"""Model folders: which families a folder holds, the files they need, downloads from the hub.

A folder is recognised by its T3 weights file (``t3_cfg.safetensors``: English,
``t3_mtl23ls_v2.safetensors``: Multilingual, ``t3_turbo_v1.safetensors``: Turbo); one folder
may hold several families, as the hub repository ``ResembleAI/chatterbox`` holds English and
Multilingual. Community fine-tunes of the multilingual model (a Vietnamese one ships
``t3_ml24ls_v2.safetensors`` and ``tokenizer_vi_expanded.json``) are recognised by the
``t3_m*ls*.safetensors`` pattern, or described by a ``ttsgen.json`` in the folder::

    {"format": 2,
     "multilingual": {"files": {"t3": "t3_ml24ls_v2.safetensors",
                                "tokenizer": "tokenizer_vi_expanded.json"},
                      "languages": {"vi": "Vietnamese"},
                      "t3": {...}}}

``files`` renames a family's files, ``languages`` adds language codes (otherwise they are
read from the tokenizer's ``[xx]`` language tokens), ``t3`` describes a non-stock T3 size
(random test checkpoints). The format-1 file ``{"format": 1, "t3": {...}}`` describes an
English folder's T3. Nothing here imports torch.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from tts_cli.errors import ModelError
from tts_cli.models import FAMILIES, ModelFamily

logger = logging.getLogger(__name__)

CONFIG_FILE = "ttsgen.json"
_FINE_TUNE_T3 = "t3_m*ls*.safetensors"  # t3_mtl23ls_v2, t3_ml24ls_v2, ...
_FINE_TUNE_TOKENIZERS = ("grapheme_*.json", "tokenizer_*.json")
_LANGUAGE_TOKEN = re.compile(r"^\[([a-z]{2,3})\]$")
_ERROR_CHARS = 160


@dataclass(frozen=True)
class ModelFolder:
    """One family's files in one folder, as found there."""

    family: ModelFamily
    """The family as this folder has it: its file names and its languages (a fine-tune's
    extra languages included)."""
    path: Path
    source: str
    """``hub:<repo>`` for a download, else the folder's path."""
    t3_config: dict | None = None
    """``ttsgen.json``'s T3 section for this family (None: the stock T3)."""
    extra_languages: dict[str, str] = field(default_factory=dict)
    """Language code -> name, for languages beyond the family's stock ones."""

    def file(self, role: str) -> Path:
        return self.path / self.family.files[role]

    def has(self, role: str) -> bool:
        return role in self.family.files and self.file(role).is_file()

    @property
    def identity(self) -> str:
        """Stable identity of the weights (path, family, file sizes and mtimes), for caches."""
        stats = []
        names = list(self.family.files.values()) + [CONFIG_FILE]
        for name in names:
            p = self.path / name
            if p.is_file():
                st = p.stat()
                stats.append(f"{name}:{st.st_size}:{int(st.st_mtime)}")
        return f"{self.path.resolve()}|{self.family.name}|{'|'.join(stats)}"


@dataclass(frozen=True)
class _Found:
    """A family whose T3 file a folder has; ``missing``: required files it lacks."""

    folder: ModelFolder
    missing: tuple[str, ...]


def read_config(folder: Path) -> dict[str, dict]:
    """``ttsgen.json`` of ``folder`` as ``{family: section}`` ({} when there is none)."""
    path = folder / CONFIG_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelError(
            f"{path} is not valid JSON ({str(e)[:_ERROR_CHARS]})", "fix or delete that file"
        ) from None
    if not isinstance(data, dict):
        raise ModelError(f"{path} is not a JSON object", "fix or delete that file")
    if data.get("format", 1) == 1:  # format 1 described an English folder's T3
        return {"english": {"t3": data["t3"]}} if data.get("t3") else {}
    sections = {k: v for k, v in data.items() if k in FAMILIES}
    for name, section in sections.items():
        if not isinstance(section, dict):
            raise ModelError(f"{path}: '{name}' is not an object", "fix or delete that file")
    return sections


def _tokenizer_languages(path: Path) -> list[str]:
    """Language codes of a grapheme tokenizer's ``[xx]`` tokens."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelError(
            f"model file {path} is not a valid tokenizer ({str(e)[:_ERROR_CHARS]})",
            "download the model again",
        ) from None
    tokens = list((data.get("model") or {}).get("vocab") or {})
    tokens += [t.get("content", "") for t in data.get("added_tokens") or []]
    return sorted({m.group(1) for t in tokens if (m := _LANGUAGE_TOKEN.match(t))})


def _fine_tune_files(folder: Path, family: ModelFamily) -> dict[str, str]:
    """File names of a multilingual fine-tune found by pattern ({} if ambiguous or absent)."""
    t3 = [p.name for p in folder.glob(_FINE_TUNE_T3)]
    if len(t3) != 1:
        return {}
    names = {"t3": t3[0]}
    if not (folder / family.files["tokenizer"]).is_file():
        tok = sorted(
            {p.name for pattern in _FINE_TUNE_TOKENIZERS for p in folder.glob(pattern)}
            - {"tokenizer_config.json"}
        )
        if len(tok) == 1:
            names["tokenizer"] = tok[0]
    return names


def _language_names(value) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k).lower(): str(v) for k, v in value.items()}
    if isinstance(value, list):
        return {str(k).lower(): str(k).lower() for k in value}
    return {}


def _found(folder: Path, family: ModelFamily, section: dict, source: str) -> _Found | None:
    files = dict(family.files)
    files.update({k: str(v) for k, v in (section.get("files") or {}).items()})
    if family.name == "multilingual" and not (folder / files["t3"]).is_file():
        files.update(_fine_tune_files(folder, family))
    if not (folder / files["t3"]).is_file():
        return None
    fam = replace(family, files=files)
    extra: dict[str, str] = {}
    if family.name == "multilingual":
        named = _language_names(section.get("languages"))
        fine_tune = files["t3"] != family.files["t3"]  # the stock model's languages are known
        if not named and fine_tune and (folder / files["tokenizer"]).is_file():
            named = {c: c for c in _tokenizer_languages(folder / files["tokenizer"])}
        extra = {c: n for c, n in named.items() if c not in family.languages}
        fam = replace(fam, languages=family.languages + tuple(sorted(extra)))
    found = ModelFolder(fam, folder, source, section.get("t3"), extra)
    missing = tuple(name for name in fam.required_files() if not (folder / name).is_file())
    return _Found(found, missing)


def scan(folder: Path, source: str | None = None) -> dict[str, _Found]:
    """Every family whose T3 weights ``folder`` holds, by name."""
    config = read_config(folder)
    out = {}
    for name, fam in FAMILIES.items():
        f = _found(folder, fam, config.get(name, {}), source or str(folder))
        if f is not None:
            out[name] = f
    return out


def _check_exists(folder: Path) -> None:
    if not folder.is_dir():
        raise ModelError(
            f"model folder not found: {folder}",
            "pass --model-dir a folder with a Chatterbox model's files "
            "(the ResembleAI/chatterbox or ResembleAI/chatterbox-turbo layout)",
        )


def check_model_dirs(model_dirs: list[Path]) -> dict[str, dict[str, _Found]]:
    """Each folder's families; ``ModelError`` for a folder that is absent or holds none."""
    scanned = {}
    for folder in model_dirs:
        _check_exists(folder)
        found = scan(folder)
        if not found:
            t3_files = ", ".join(f.files["t3"] for f in FAMILIES.values())
            raise ModelError(
                f"model folder {folder} holds no Chatterbox model (none of {t3_files})",
                "give a folder in the ResembleAI/chatterbox or ResembleAI/chatterbox-turbo layout",
            )
        scanned[str(folder)] = found
    return scanned


def extra_languages(model_dirs: list[Path]) -> dict[str, str]:
    """Languages the given folders' models add beyond the stock ones (code -> name)."""
    out: dict[str, str] = {}
    for found in check_model_dirs(model_dirs).values():
        for f in found.values():
            out.update(f.folder.extra_languages)
    return out


def _missing_message(folder: Path, family: ModelFamily, missing: tuple[str, ...]) -> ModelError:
    return ModelError(
        f"model folder {folder} is missing {', '.join(missing)} ({family.title})",
        f"give a folder with {', '.join(family.required_files())}, or download the model again",
    )


def resolve_folders(
    needed: list[str], model_dirs: list[Path] | None = None, *, download: bool = True
) -> dict[str, ModelFolder]:
    """Where each needed family's files are: the given folders, else a hub download.

    With folders given, every needed family must be complete in one of them (nothing is
    downloaded behind the user's back); the error names the files that are missing.
    """
    model_dirs = [Path(d).expanduser() for d in model_dirs or []]
    out: dict[str, ModelFolder] = {}
    if model_dirs:
        scanned = check_model_dirs(model_dirs)
        for name in needed:
            fam = FAMILIES[name]
            candidates = [found[name] for found in scanned.values() if name in found]
            complete = [c for c in candidates if not c.missing]
            if complete:
                out[name] = complete[0].folder
                continue
            if candidates:
                c = candidates[0]
                raise _missing_message(c.folder.path, fam, c.missing)
            first = model_dirs[0]
            lacking = [n for n in fam.required_files() if not (first / n).is_file()]
            where = (
                "no --model-dir holds" if len(model_dirs) > 1 else f"model folder {first} is not"
            )
            raise ModelError(
                f"{where} a {fam.title} model ({first} lacks {', '.join(lacking)})",
                f"add --model-dir with a {fam.title} folder, or give no --model-dir to download it",
            )
        return out
    for name in needed:
        fam = FAMILIES[name]
        if not download:
            raise ModelError(f"no folder for the {fam.title} model", "pass --model-dir")
        folder = download_family(fam)
        found = scan(folder, source=f"hub:{fam.hub_repo}").get(name)
        if found is None or found.missing:
            raise _missing_message(folder, fam, found.missing if found else fam.required_files())
        out[name] = found.folder
    return out


def _clip(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(".,;:") + "..."


def _hub_error(what: str, repo: str, e: Exception) -> ModelError:
    reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return ModelError(
        f"could not download {what} of {repo} ({_clip(reason, _ERROR_CHARS)})",
        "check the network (and HF_HUB_OFFLINE), or pass --model-dir with a local model folder",
    )


def download_family(fam: ModelFamily) -> Path:
    """Fetch only ``fam``'s files into the Hugging Face cache; honours ``HF_HUB_OFFLINE``."""
    try:
        from huggingface_hub import hf_hub_download, snapshot_download
    except ImportError as e:  # pragma: no cover - a chatterbox dependency
        raise ModelError("huggingface_hub is not installed", "pip install huggingface_hub") from e
    if fam.hub_patterns:
        try:
            return Path(snapshot_download(repo_id=fam.hub_repo, allow_patterns=fam.hub_patterns))
        except Exception as e:  # noqa: BLE001 - hub errors come in many types; all mean "no model"
            raise _hub_error(f"the {fam.title} files", fam.hub_repo, e) from None
    path = None
    for name in fam.files.values():
        try:
            path = Path(hf_hub_download(repo_id=fam.hub_repo, filename=name))
        except Exception as e:  # noqa: BLE001 - see above
            if name == fam.files.get("conds"):
                continue  # optional: a --voice then stands in for the built-in voice
            raise _hub_error(name, fam.hub_repo, e) from None
    for name in fam.extra_files:
        try:
            hf_hub_download(repo_id=fam.hub_repo, filename=name)
        except Exception as e:  # noqa: BLE001 - extras only improve some languages
            logger.warning("could not download %s of %s (%s)", name, fam.hub_repo, e)
    return path.parent  # the t3 file is required, so a path is set or an error was raised
