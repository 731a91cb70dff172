"""Request and response bodies of the directory profile API, as msgspec Structs."""

from __future__ import annotations

from typing import Annotated

import msgspec

from luukku.wire import NO_NUL

BioText = Annotated[str, msgspec.Meta(max_length=2000, pattern=NO_NUL)]
TopicSlug = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=NO_NUL)]


class BioIn(msgspec.Struct, forbid_unknown_fields=True):
    fi: BioText | None = None
    sv: BioText | None = None
    en: BioText | None = None

    def given(self) -> dict[str, str]:
        return {
            lang: text
            for lang, text in (("fi", self.fi), ("sv", self.sv), ("en", self.en))
            if text is not None
        }


class ProfileIn(msgspec.Struct, forbid_unknown_fields=True):
    bio: BioIn | None = None
    topics: list[TopicSlug] | None = None


class TopicChoiceOut(msgspec.Struct):
    slug: str
    name: dict[str, str]


class ProfileOut(msgspec.Struct):
    id: int
    name: str
    bio: dict[str, str]
    topics: list[str]
    topic_choices: list[TopicChoiceOut]
