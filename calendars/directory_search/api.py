"""An expert's own directory profile: `GET`/`PATCH /api/v1/staff/me/profile`."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, patch
from litestar.params import JSONBody
from litestar.security.jwt import Token

from calendars.directory import own_expert
from calendars.directory_search.profiles import Profile, get_profile, update_profile
from calendars.directory_search.schemas import ProfileIn, ProfileOut, TopicChoiceOut
from staff.accounts import StaffMember

Member = Request[StaffMember, Token, Any]


def profile_out(profile: Profile) -> ProfileOut:
    return ProfileOut(
        id=profile.expert_id,
        name=profile.name,
        bio=profile.bio,
        topics=list(profile.topics),
        topic_choices=[TopicChoiceOut(slug=t.slug, name=t.names) for t in profile.choices],
    )


class OwnProfileController(Controller):
    """The bio (fi/sv/en) and topics the directory shows of the signed-in expert."""

    path = "/api/v1/staff/me/profile"
    tags = ("staff",)  # type: ignore[assignment]

    @get("/", summary="Your directory profile and the topics you may choose")
    async def read(self, request: Member) -> ProfileOut:
        return profile_out(await get_profile(own_expert(request.user)))

    @patch("/", summary="Change your bio and topics (from your agency's named topics)")
    async def change(self, request: Member, data: JSONBody[ProfileIn]) -> ProfileOut:
        profile = await update_profile(
            own_expert(request.user),
            bio=data.bio.given() if data.bio is not None else None,
            topics=data.topics,
        )
        return profile_out(profile)
