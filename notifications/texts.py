"""The words of every message, as keys to English source texts of the `mail` catalogue.

The translations live in Babel catalogues (`notifications/locales/<lang>/LC_MESSAGES/mail.po`),
the same mechanism as the pages' texts: `make messages` extracts the `N_()` texts below, and
the translation tests fail while a Finnish or Swedish text is missing. Placeholders are
`%(name)s`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

from babel.support import Translations

from luukku.translations import load_translations

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "mail"


def N_(message: str) -> str:
    """Marks a source text for `make messages`; translated later, by `text`."""
    return message


SOURCE: Final = {
    "data_request.subject": N_("Your data in Luukku"),
    "data_request.intro": N_(
        "You asked to see the data Luukku holds about your bookings. The link is valid for 24"
        " hours; through it you can also ask for your data to be erased. If you did not ask "
        "for this, you can ignore this message."
    ),
    "data_request.link": N_("Show my data"),
    "login_warning.subject": N_("Someone is trying to sign in to your Luukku account"),
    "login_warning.intro": N_(
        "In the last quarter of an hour, someone has repeatedly tried to sign in to your "
        "account with a wrong password. Sign-ins are slowed down; your account is not locked."
    ),
    "login_warning.advice": N_(
        "If it was you, there is nothing to do. If not, change your password and tell your "
        "administrator."
    ),
    "confirmation.subject": N_("Booking confirmed: %(service)s, %(when)s"),
    "confirmation.intro": N_("Your booking is confirmed. A calendar invitation is attached."),
    "new_booking.subject": N_("New booking: %(service)s, %(when)s"),
    "new_booking.intro": N_(
        "A new appointment has been booked with you. A calendar invitation is attached."
    ),
    "reschedule.subject": N_("Booking changed: %(service)s, %(when)s"),
    "reschedule.intro": N_("The booking has been changed. These are the current details."),
    "cancellation.subject": N_("Booking cancelled: %(service)s, %(when)s"),
    "cancellation.intro": N_("The booking has been cancelled."),
    "reminder.subject": N_("Reminder: %(service)s, %(when)s"),
    "reminder.intro": N_("This is a reminder of your coming appointment."),
    "feedback_request.subject": N_("How did we do? %(service)s"),
    "feedback_request.intro": N_(
        "Thank you for your visit. Please tell us whether the service met your needs and "
        "whether the communication was sufficient and understandable (scale 1–5)."
    ),
    "feedback_request.link": N_("Give feedback"),
    "contact_receipt.subject": N_("We have received your contact request (%(reference)s)"),
    "contact_receipt.intro": N_(
        "Thank you for contacting us. An expert will answer you by %(due)s."
    ),
    "contact_assigned.subject": N_("New contact request: %(topic)s (%(reference)s)"),
    "contact_assigned.intro": N_(
        "A contact request has been routed to you. Please answer by %(due)s."
    ),
    "contact_reply.subject": N_("Answer to your contact request (%(reference)s)"),
    "contact_escalation.subject": N_("Unanswered contact request: %(topic)s (%(reference)s)"),
    "contact_escalation.intro": N_(
        "This contact request has not been answered and 75 %% of the answer time has passed. "
        "The answer is due %(due)s."
    ),
    "label.contact_reference": N_("Reference"),
    "label.topic": N_("Topic"),
    "label.question": N_("Question"),
    "label.due": N_("Answer due"),
    "label.assigned": N_("Responsible person"),
    "label.queue": N_("the topic's queue"),
    "label.preferred_channel": N_("Preferred contact channel"),
    "channel.email": N_("email"),
    "greeting": N_("Hello %(name)s,"),
    "label.when": N_("Time"),
    "label.service": N_("Service"),
    "label.expert": N_("Expert"),
    "label.customer": N_("Customer"),
    "label.channel": N_("Channel"),
    "label.location": N_("Place"),
    "label.video": N_("Video link"),
    "label.reference": N_("Booking reference"),
    "label.reason": N_("Reason for cancelling"),
    "channel.in_person": N_("in person"),
    "channel.phone": N_("phone call"),
    "channel.video": N_("video meeting"),
    "closing": N_("Kind regards\n%(agency)s"),
    "greeting.anonymous": N_("Hello,"),
    "manage.link": N_("View, reschedule or cancel your booking"),
    "manage.cancelled_link": N_("See the cancelled booking or book a new time"),
    "manage.intro": N_("You can view, reschedule or cancel the booking online without signing in:"),
    "contact_receipt.status_link": N_("Follow your request"),
    "label.video_cancelled": N_("Video link (no longer in use)"),
    "waitlist_joined.subject": N_("You are on the waitlist: %(service)s"),
    "waitlist_joined.intro": N_(
        "You are on the waitlist for a time of %(service)s in %(window)s. When a suitable time "
        "frees up, you will get an offer by email, in the order people joined."
    ),
    "waitlist_joined.link": N_("See your place or leave the waitlist"),
    "waitlist_offer.subject": N_("A freed time for you: %(service)s, %(when)s"),
    "waitlist_offer.intro": N_(
        "The time %(when)s of %(service)s, which you were waiting for, has freed up. It is kept"
        " for you until %(until)s. Confirm it with the link below; otherwise it goes to the "
        "next in line."
    ),
    "waitlist_offer.link": N_("Confirm the time"),
    "label.waitlist_reference": N_("Waitlist reference"),
    "topic.funding": N_("Funding"),
    "topic.starting": N_("Starting a business"),
    "topic.permits": N_("Permits"),
    "topic.premises": N_("Business premises"),
    "topic.recruiting": N_("Recruiting"),
    "topic.social-security": N_("Social security"),
    "topic.entrepreneur-benefits": N_("Entrepreneur's benefits"),
    "topic.taxation": N_("Taxation"),
    "topic.vat": N_("Value added tax"),
    "topic.prepayment": N_("Tax prepayment"),
    "topic.startup-grant": N_("Start-up grant"),
}


@cache
def _translations() -> dict[str, Translations]:
    # Read once per process: the catalogues are files of the release, never changed at run time.
    return load_translations(LOCALES, DOMAIN)


def text(language: str, key: str, **values: str) -> str:
    """The text `key` in `language` (Finnish when Luukku has no such language)."""
    catalogues = _translations()
    translated = catalogues.get(language, catalogues["fi"]).gettext(SOURCE[key])
    return translated % values


def greeting(language: str, name: str) -> str:
    """`Hei Matti,`, or `Hei,` when the name is unknown (never `Hei ,`)."""
    name = " ".join(name.split())
    return text(language, "greeting", name=name) if name else text(language, "greeting.anonymous")


def topic_name(language: str, slug: str) -> str:
    """A topic's name in `language`, never its slug (`vat` reads `Arvonlisävero`)."""
    key = f"topic.{slug}"
    return text(language, key) if key in SOURCE else slug.replace("-", " ").capitalize()
