"""The Jinja environment of the pages, and `page()`: a template rendered in the page's language.

Every template gets `lang` (fi, sv or en); `_()`/`{% trans %}` and the date filters read it, so
one environment serves all three languages without per-request state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from litestar import Request
from litestar.datastructures import Cookie
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

from frontend import formatting
from frontend.catalogues import load_translations
from luukku.languages import SUPPORTED, request_language

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGE_COOKIE = "luukku_lang"
LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}
_ONE_YEAR = 365 * 24 * 3600


def page_language(request: Request[Any, Any, Any]) -> str:
    """`lang` query, else the language chosen earlier (cookie), else Accept-Language, else fi."""
    requested = str(request.query_params.get("lang", ""))
    if requested in SUPPORTED:
        return requested
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if chosen in SUPPORTED:
        return chosen
    return request_language(request)


def language_links(request: Request[Any, Any, Any]) -> list[tuple[str, str, str]]:
    """(language, its own name, this page's address in it): the switch keeps the page."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return [
        (language, name, f"{request.url.path}?{urlencode([*query, ('lang', language)])}")
        for language, name in LANGUAGE_NAMES.items()
    ]


def page(
    request: Request[Any, Any, Any],
    template: str,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    cookies: list[Cookie] | None = None,
    **context: Any,
) -> Template:
    language = page_language(request)
    cookies = list(cookies or [])
    if request.query_params.get("lang") in SUPPORTED:
        cookies.append(
            Cookie(
                key=LANGUAGE_COOKIE,
                value=language,
                max_age=_ONE_YEAR,
                path="/",
                httponly=True,
                samesite="lax",
            )
        )
    return Template(
        template_name=template,
        context={
            "lang": language,
            "language_links": language_links(request),
            "current_path": request.url.path,
            **context,
        },
        status_code=status_code,
        headers=dict(headers or {}),
        cookies=cookies,
    )


def _in_language(
    function: Callable[[Any, str], str],
) -> Callable[[Context, Any], str]:
    @pass_context
    def filter_(context: Context, value: Any) -> str:
        return function(value, context["lang"])

    return filter_


def environment(translations: Mapping[str, Translations]) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )

    @pass_context
    def gettext(context: Context, message: str) -> str:
        return translations[context["lang"]].gettext(message)

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, count: int) -> str:
        return translations[context["lang"]].ngettext(singular, plural, count)

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        long_date=_in_language(formatting.long_date),
        short_date=_in_language(formatting.short_date),
        clock=_in_language(formatting.clock_time),
        zone=_in_language(formatting.zone_name),
        moment=_in_language(formatting.full_moment),
        hour_mark=_in_language(formatting.hour_mark),
        number=_in_language(formatting.decimal_number),
    )
    env.filters["local_date"] = lambda moment: formatting.local(moment).date()
    env.filters["time_of_day"] = _in_language(formatting.time_of_day)
    env.globals["timedelta"] = timedelta
    env.globals["iso_date"] = date.isoformat
    env.globals["iso_moment"] = datetime.isoformat
    return env


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        instance=JinjaTemplateEngine.from_environment(environment(load_translations()))
    )
