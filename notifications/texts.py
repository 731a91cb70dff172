"""The words of every message in Finnish, Swedish and English.

One dictionary per language with the same keys, `str.format` placeholders in braces; kept
apart from the code that assembles messages so they move easily into Babel catalogues.
"""

from __future__ import annotations

from typing import Final

FI: Final = {
    "data_request.subject": "Tietosi Luukussa",
    "data_request.intro": (
        "Pyysit nähtäväksi tietosi, joita Luukku säilyttää ajanvarauksistasi. Linkki on "
        "voimassa 24 tuntia; sen kautta voit myös pyytää tietojesi poistamista. Jos et pyytänyt"
        " tätä, voit jättää viestin huomiotta."
    ),
    "data_request.link": "Näytä tietoni",
    "login_warning.subject": "Luukku-tunnuksellesi yritetään kirjautua",
    "login_warning.intro": (
        "Tunnuksellesi on viimeisen vartin aikana yritetty kirjautua toistuvasti väärällä "
        "salasanalla. Kirjautumisia hidastetaan, mutta tunnustasi ei ole lukittu."
    ),
    "login_warning.advice": (
        "Jos yritykset olivat sinun, mitään ei tarvitse tehdä. Jos eivät, vaihda salasanasi ja "
        "kerro asiasta ylläpitäjälle."
    ),
    "confirmation.subject": "Ajanvaraus vahvistettu: {service}, {when}",
    "confirmation.intro": "Ajanvarauksesi on vahvistettu. Kalenterikutsu on liitteenä.",
    "new_booking.subject": "Uusi ajanvaraus: {service}, {when}",
    "new_booking.intro": "Sinulle on varattu uusi aika. Kalenterikutsu on liitteenä.",
    "reschedule.subject": "Ajanvarausta muutettu: {service}, {when}",
    "reschedule.intro": "Ajanvarausta on muutettu. Alla ovat voimassa olevat tiedot.",
    "cancellation.subject": "Ajanvaraus peruttu: {service}, {when}",
    "cancellation.intro": "Ajanvaraus on peruttu.",
    "reminder.subject": "Muistutus: {service}, {when}",
    "reminder.intro": "Muistutamme tulevasta ajanvarauksestasi.",
    "feedback_request.subject": "Miten onnistuimme? {service}",
    "feedback_request.intro": (
        "Kiitos asioinnista. Kerrothan, vastasiko palvelu tarpeisiisi ja oliko viestintä "
        "riittävää ja ymmärrettävää (asteikko 1–5)."
    ),
    "feedback_request.link": "Anna palautetta",
    "contact_receipt.subject": "Yhteydenottopyyntösi on vastaanotettu ({reference})",
    "contact_receipt.intro": (
        "Kiitos yhteydenotostasi. Asiantuntija vastaa sinulle viimeistään {due}."
    ),
    "contact_assigned.subject": "Uusi yhteydenottopyyntö: {topic} ({reference})",
    "contact_assigned.intro": (
        "Sinulle on ohjattu yhteydenottopyyntö. Vastaathan viimeistään {due}."
    ),
    "contact_reply.subject": "Vastaus yhteydenottopyyntöösi ({reference})",
    "contact_escalation.subject": "Vastaamaton yhteydenottopyyntö: {topic} ({reference})",
    "contact_escalation.intro": (
        "Tähän yhteydenottopyyntöön ei ole vastattu, ja 75 % vastausajasta on kulunut. "
        "Vastausaika päättyy {due}."
    ),
    "label.contact_reference": "Tunnus",
    "label.topic": "Aihe",
    "label.question": "Kysymys",
    "label.due": "Vastaus viimeistään",
    "label.assigned": "Vastuuhenkilö",
    "label.queue": "aiheen jono",
    "label.preferred_channel": "Toivottu yhteydenottotapa",
    "channel.email": "sähköposti",
    "greeting": "Hei {name},",
    "label.when": "Aika",
    "label.service": "Palvelu",
    "label.expert": "Asiantuntija",
    "label.customer": "Asiakas",
    "label.channel": "Asiointitapa",
    "label.location": "Paikka",
    "label.video": "Videoyhteys",
    "label.reference": "Varaustunnus",
    "label.reason": "Peruutuksen syy",
    "channel.in_person": "käynti paikan päällä",
    "channel.phone": "puhelu",
    "channel.video": "videoyhteys",
    "waitlist_joined.subject": "Olet jonossa vapautuvaan aikaan: {service}",
    "waitlist_joined.intro": (
        "Olet jonossa vapautuvaan aikaan palvelussa {service} ajalle {window}. Kun sopiva aika "
        "vapautuu, saat siitä tarjouksen sähköpostilla jonotusjärjestyksessä."
    ),
    "waitlist_joined.link": "Katso jonotilanne tai poistu jonosta",
    "waitlist_offer.subject": "Vapautunut aika sinulle: {service}, {when}",
    "waitlist_offer.intro": (
        "Aika {when} vapautui palvelussa {service}, jonka aikaa odotit. Aika on varattu sinulle "
        "klo {until} asti. Vahvista se alla olevasta linkistä; muuten aika siirtyy seuraavalle "
        "jonossa."
    ),
    "waitlist_offer.link": "Vahvista aika",
    "label.waitlist_reference": "Jonotunnus",
    "closing": "Ystävällisin terveisin\n{agency}",
}

SV: Final = {
    "data_request.subject": "Dina uppgifter i Luukku",
    "data_request.intro": (
        "Du bad om att få se de uppgifter Luukku har om dina bokningar. Länken gäller i 24 "
        "timmar; via den kan du också begära att dina uppgifter raderas. Om du inte bad om "
        "detta kan du strunta i meddelandet."
    ),
    "data_request.link": "Visa mina uppgifter",
    "login_warning.subject": "Någon försöker logga in med ditt Luukku-konto",
    "login_warning.intro": (
        "Under den senaste kvarten har någon upprepade gånger försökt logga in med ditt konto "
        "och fel lösenord. Inloggningarna fördröjs, men ditt konto är inte låst."
    ),
    "login_warning.advice": (
        "Om det var du behöver du inte göra något. Om inte, byt lösenord och meddela "
        "administratören."
    ),
    "confirmation.subject": "Tidsbokningen är bekräftad: {service}, {when}",
    "confirmation.intro": "Din tidsbokning är bekräftad. En kalenderinbjudan är bifogad.",
    "new_booking.subject": "Ny tidsbokning: {service}, {when}",
    "new_booking.intro": "En ny tid har bokats för dig. En kalenderinbjudan är bifogad.",
    "reschedule.subject": "Tidsbokningen har ändrats: {service}, {when}",
    "reschedule.intro": "Tidsbokningen har ändrats. Nedan finns de gällande uppgifterna.",
    "cancellation.subject": "Tidsbokningen är avbokad: {service}, {when}",
    "cancellation.intro": "Tidsbokningen har avbokats.",
    "reminder.subject": "Påminnelse: {service}, {when}",
    "reminder.intro": "Vi påminner dig om din kommande tidsbokning.",
    "feedback_request.subject": "Hur lyckades vi? {service}",
    "feedback_request.intro": (
        "Tack för ditt besök. Berätta gärna om tjänsten motsvarade dina behov och om "
        "kommunikationen var tillräcklig och begriplig (skala 1–5)."
    ),
    "feedback_request.link": "Ge respons",
    "contact_receipt.subject": "Din kontaktbegäran har tagits emot ({reference})",
    "contact_receipt.intro": (
        "Tack för att du kontaktade oss. En sakkunnig svarar dig senast {due}."
    ),
    "contact_assigned.subject": "Ny kontaktbegäran: {topic} ({reference})",
    "contact_assigned.intro": ("En kontaktbegäran har styrts till dig. Svara senast {due}."),
    "contact_reply.subject": "Svar på din kontaktbegäran ({reference})",
    "contact_escalation.subject": "Obesvarad kontaktbegäran: {topic} ({reference})",
    "contact_escalation.intro": (
        "Denna kontaktbegäran har inte besvarats och 75 % av svarstiden har gått. "
        "Svarstiden går ut {due}."
    ),
    "label.contact_reference": "Nummer",
    "label.topic": "Ämne",
    "label.question": "Fråga",
    "label.due": "Svar senast",
    "label.assigned": "Ansvarsperson",
    "label.queue": "ämnets kö",
    "label.preferred_channel": "Önskat kontaktsätt",
    "channel.email": "e-post",
    "greeting": "Hej {name},",
    "label.when": "Tid",
    "label.service": "Tjänst",
    "label.expert": "Sakkunnig",
    "label.customer": "Kund",
    "label.channel": "Kontaktsätt",
    "label.location": "Plats",
    "label.video": "Videolänk",
    "label.reference": "Bokningsnummer",
    "label.reason": "Orsak till avbokningen",
    "channel.in_person": "besök på plats",
    "channel.phone": "telefonsamtal",
    "channel.video": "distanstjänst via video",
    "waitlist_joined.subject": "Du står i kö för en ledig tid: {service}",
    "waitlist_joined.intro": (
        "Du står i kö för en tid som blir ledig i tjänsten {service} under {window}. När en "
        "lämplig tid blir ledig får du ett erbjudande per e-post, i den ordning ni ställt er i kö."
    ),
    "waitlist_joined.link": "Se din plats i kön eller lämna kön",
    "waitlist_offer.subject": "En ledig tid åt dig: {service}, {when}",
    "waitlist_offer.intro": (
        "Tiden {when} i tjänsten {service}, som du väntade på, blev ledig. Tiden hålls för dig "
        "till kl. {until}. Bekräfta den via länken nedan; annars går tiden till nästa i kön."
    ),
    "waitlist_offer.link": "Bekräfta tiden",
    "label.waitlist_reference": "Könummer",
    "closing": "Med vänliga hälsningar\n{agency}",
}

EN: Final = {
    "data_request.subject": "Your data in Luukku",
    "data_request.intro": (
        "You asked to see the data Luukku holds about your bookings. The link is valid for 24 "
        "hours; through it you can also ask for your data to be erased. If you did not ask for "
        "this, you can ignore this message."
    ),
    "data_request.link": "Show my data",
    "login_warning.subject": "Someone is trying to sign in to your Luukku account",
    "login_warning.intro": (
        "In the last quarter of an hour, someone has repeatedly tried to sign in to your "
        "account with a wrong password. Sign-ins are slowed down; your account is not locked."
    ),
    "login_warning.advice": (
        "If it was you, there is nothing to do. If not, change your password and tell your "
        "administrator."
    ),
    "confirmation.subject": "Booking confirmed: {service}, {when}",
    "confirmation.intro": "Your booking is confirmed. A calendar invitation is attached.",
    "new_booking.subject": "New booking: {service}, {when}",
    "new_booking.intro": "A new appointment has been booked with you. A calendar invitation "
    "is attached.",
    "reschedule.subject": "Booking changed: {service}, {when}",
    "reschedule.intro": "The booking has been changed. These are the current details.",
    "cancellation.subject": "Booking cancelled: {service}, {when}",
    "cancellation.intro": "The booking has been cancelled.",
    "reminder.subject": "Reminder: {service}, {when}",
    "reminder.intro": "This is a reminder of your coming appointment.",
    "feedback_request.subject": "How did we do? {service}",
    "feedback_request.intro": (
        "Thank you for your visit. Please tell us whether the service met your needs and "
        "whether the communication was sufficient and understandable (scale 1–5)."
    ),
    "feedback_request.link": "Give feedback",
    "contact_receipt.subject": "We have received your contact request ({reference})",
    "contact_receipt.intro": ("Thank you for contacting us. An expert will answer you by {due}."),
    "contact_assigned.subject": "New contact request: {topic} ({reference})",
    "contact_assigned.intro": "A contact request has been routed to you. Please answer by {due}.",
    "contact_reply.subject": "Answer to your contact request ({reference})",
    "contact_escalation.subject": "Unanswered contact request: {topic} ({reference})",
    "contact_escalation.intro": (
        "This contact request has not been answered and 75 % of the answer time has passed. "
        "The answer is due {due}."
    ),
    "label.contact_reference": "Reference",
    "label.topic": "Topic",
    "label.question": "Question",
    "label.due": "Answer due",
    "label.assigned": "Responsible person",
    "label.queue": "the topic's queue",
    "label.preferred_channel": "Preferred contact channel",
    "channel.email": "email",
    "greeting": "Hello {name},",
    "label.when": "Time",
    "label.service": "Service",
    "label.expert": "Expert",
    "label.customer": "Customer",
    "label.channel": "Channel",
    "label.location": "Place",
    "label.video": "Video link",
    "label.reference": "Booking reference",
    "label.reason": "Reason for cancelling",
    "channel.in_person": "in person",
    "channel.phone": "phone call",
    "channel.video": "video meeting",
    "waitlist_joined.subject": "You are on the waitlist: {service}",
    "waitlist_joined.intro": (
        "You are on the waitlist for a time of {service} in {window}. When a suitable time "
        "frees up, you will get an offer by email, in the order people joined."
    ),
    "waitlist_joined.link": "See your place or leave the waitlist",
    "waitlist_offer.subject": "A freed time for you: {service}, {when}",
    "waitlist_offer.intro": (
        "The time {when} of {service}, which you were waiting for, has freed up. It is kept for "
        "you until {until}. Confirm it with the link below; otherwise it goes to the next in line."
    ),
    "waitlist_offer.link": "Confirm the time",
    "label.waitlist_reference": "Waitlist reference",
    "closing": "Kind regards\n{agency}",
}

TEXTS: Final = {"fi": FI, "sv": SV, "en": EN}


def text(language: str, key: str, **values: str) -> str:
    """The text `key` in `language` (Finnish when Luukku has no such language)."""
    return TEXTS.get(language, FI)[key].format(**values)
