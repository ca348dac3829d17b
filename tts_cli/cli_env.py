"""Every option of the main command also read from ``TTSGEN_<OPTION>``, and errors that
name the variable a bad value came from rather than an option nobody typed."""

from __future__ import annotations

import re

import typer
from typer.core import TyperCommand

ENV_PREFIX = "TTSGEN_"
#: Options without a variable: --help and --version, and --voice-cache/--no-voice-cache,
#: whose name is taken: TTSGEN_VOICE_CACHE has long named the cache folder (as
#: TTSGEN_VOICE_CACHE_DIR now does too); the cache is switched off with --no-voice-cache only.
_NO_ENV = ("help", "version", "voice_cache")


def env_name(param) -> str:
    """``--model-dir`` -> ``TTSGEN_MODEL_DIR``: an option's environment variable."""
    long = next(o for o in param.opts if o.startswith("--"))
    return ENV_PREFIX + long[2:].upper().replace("-", "_")


class EnvCommand(TyperCommand):
    """The main command, with every option also read from ``TTSGEN_<OPTION>`` (containers
    and job scripts set variables); the command line wins. Flags take 1/0, true/false;
    repeatable paths (``--model-dir``) are separated by os.pathsep, as in PATH."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if _is_option(param) and param.name not in _NO_ENV:
                param.envvar = env_name(param)
                param.show_envvar = True

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except typer.BadParameter as e:
            # a bad value from a variable: name the variable, not an option nobody typed
            if e.param is not None and _from_env(ctx, e.param):
                e.param_hint = e.param.envvar
            raise


def _is_option(param) -> bool:
    # typer vendors its own click: its classes are not the click package's
    return getattr(param, "param_type_name", None) == "option"


def _from_env(ctx: typer.Context, param) -> bool:
    source = ctx.get_parameter_source(param.name)
    return getattr(source, "name", None) == "ENVIRONMENT"


def env_sources(ctx: typer.Context) -> dict[str, str]:
    """``{"--device": "TTSGEN_DEVICE"}`` for every option this run took from a variable."""
    out = {}
    for param in ctx.command.params:
        if _is_option(param) and param.envvar and _from_env(ctx, param):
            for opt in (*param.opts, *param.secondary_opts):
                out[opt] = param.envvar
    return out


def name_variables(message: str, sources: dict[str, str]) -> str:
    """A library error names the option (``--batch-size``); where its value came from a
    variable, the message names that variable instead."""
    for opt, var in sorted(sources.items(), key=lambda kv: -len(kv[0])):
        if opt.startswith("--"):
            message = re.sub(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", var, message)
    return message
