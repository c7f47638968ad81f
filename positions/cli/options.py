"""Options shared by several commands, each defined once: `--encoding` for every command that reads text,
`--backend` and `--url` for the commands that can use an OpenAI-compatible endpoint."""
from __future__ import annotations

import codecs

import click
from click.core import ParameterSource

HAS_ENCODING = "positions.has_encoding"  # ctx.meta key: the command being run offers --encoding


def _known_encoding(ctx: click.Context, param, value: str) -> str:
    """Refuse an unknown or non-text codec before anything is read (one line, exit 2)."""
    try:
        known = codecs.lookup(value)._is_text_encoding
    except LookupError:
        known = False
    if not known:
        raise click.BadParameter(f"{value!r} is not a text encoding; use e.g. utf-8, utf-16, cp1252 or latin-1")
    ctx.meta[HAS_ENCODING] = True
    return value


def _settings(what: str, defaults: bool) -> dict:
    note = "; files left at their default (the project's own) are read as UTF-8" if defaults else ""
    return dict(default="utf-8", show_default=True, callback=_known_encoding, metavar="CODEC",
                help=f"Text encoding of {what}{note}; a UTF-8/16/32 byte-order mark is detected and wins.")


def encoding_of(param: str, encoding: str) -> str:
    """The encoding to read the file of option/argument `param` with: --encoding when the user named
    the file, UTF-8 when it is the default (one of the project's own files, always written as UTF-8)."""
    source = click.get_current_context().get_parameter_source(param)
    return "utf-8" if source in (ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP, None) else encoding


def encoding_option(what: str = "the files read", defaults: bool = True):
    """The `--encoding` option as a decorator (`defaults`: some of the files have a default path)."""
    return click.option("--encoding", **_settings(what, defaults))


def encoding_param(what: str = "the files read", defaults: bool = True) -> click.Option:
    """The same option as a parameter object (for commands assembled from another command's params)."""
    return click.Option(["--encoding"], **_settings(what, defaults))


BACKENDS = ("offline", "openai-compatible")


def backend_option(offline: str):
    """`--backend` as a decorator (`offline`: what the offline backend means for this command)."""
    return click.option("--backend", type=click.Choice(BACKENDS), default="offline", show_default=True,
                        help=f"offline: {offline}; openai-compatible: a chat endpoint (needs --url, --model).")


def url_option():
    """`--url` of the OpenAI-compatible endpoint, as a decorator."""
    return click.option("--url", default=None, help="Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1.")
