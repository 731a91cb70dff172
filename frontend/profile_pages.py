"""An expert's own directory profile page: bio in three languages, topics from the agency's
list (the same `update_profile` use case as `PATCH /api/v1/staff/me/profile`)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.security.jwt import Token

from calendars.directory import own_expert
from calendars.directory_search.profiles import get_profile, update_profile
from frontend.form_errors import from_domain_error
from frontend.templating import page
from luukku.problems import InvalidInput
from staff.accounts import StaffMember

Member = Request[StaffMember, Token, Any]
BIO_LANGUAGES = ("fi", "sv", "en")


class ProfilePages(Controller):
    path = "/staff/profile"
    include_in_schema = False

    @get("/", name="staff-profile")
    async def show(self, request: Member, done: FromQuery[str | None] = None) -> Template:
        profile = await get_profile(own_expert(request.user))
        return page(
            request,
            "staff/profile.html",
            member=request.user,
            profile=profile,
            bio=profile.bio,
            chosen=set(profile.topics),
            errors={},
            done=done,
        )

    @post("/", name="staff-save-profile")
    async def save(self, request: Member) -> Template | Redirect:
        expert = own_expert(request.user)
        form = await request.form()
        bio = {lang: str(form.get(f"bio_{lang}", "")) for lang in BIO_LANGUAGES}
        topics = [str(value) for value in form.getall("topics", [])]
        try:
            await update_profile(expert, bio=bio, topics=topics)
        except InvalidInput as error:
            errors = {
                key.replace(".", "_"): value
                for key, value in from_domain_error(error, "topics").items()
            }
            return page(
                request,
                "staff/profile.html",
                status_code=422,
                member=request.user,
                profile=await get_profile(expert),
                bio=bio,
                chosen=set(topics),
                errors=errors,
                done=None,
            )
        return Redirect("/staff/profile?done=saved", status_code=303)
