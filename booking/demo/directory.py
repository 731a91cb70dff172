"""The demo set's expert directory: each agency's named topics and the experts' bios."""

from __future__ import annotations

from calendars.directory_search.index import refresh_expert_documents
from calendars.directory_search.profiles import write_missing_bio
from calendars.directory_search.topics import name_missing_topics

TOPICS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "city-business": (
        ("starting", "Yrityksen perustaminen", "Att starta företag", "Starting a business"),
        ("funding", "Rahoitus", "Finansiering", "Funding"),
        ("internationalisation", "Kansainvälistyminen", "Internationalisering", "Going global"),
        ("permits", "Luvat", "Tillstånd", "Permits"),
        ("premises", "Toimitilat ja tontit", "Lokaler och tomter", "Premises and plots"),
        ("recruiting", "Rekrytointi", "Rekrytering", "Recruiting"),
    ),
    "kela": (
        ("social-security", "Sosiaaliturva", "Social trygghet", "Social security"),
        ("entrepreneur-benefits", "Yrittäjän etuudet", "Företagarförmåner", "Benefits"),
    ),
    "vero": (
        ("taxation", "Verotus", "Beskattning", "Taxation"),
        ("vat", "Arvonlisävero", "Mervärdesskatt", "Value added tax"),
        ("prepayment", "Ennakkovero", "Förskottsskatt", "Prepayment of tax"),
    ),
    "te-services": (
        ("startup-grant", "Starttiraha", "Startpeng", "Start-up grant"),
        ("employment", "Työllistäminen", "Sysselsättning", "Employment"),
        ("recruiting", "Rekrytointi", "Rekrytering", "Recruiting"),
    ),
}

BIOS: dict[str, tuple[str, str, str]] = {
    "aino.virtanen@example.fi": (
        "Autan yrityksen perustamisessa, liiketoimintasuunnitelmassa ja rahoituksen hakemisessa.",
        "Jag hjälper med att starta företag, affärsplanen och att söka finansiering.",
        "I help with starting a company, the business plan and applying for funding.",
    ),
    "laura.makinen@example.fi": (
        "Neuvon rakennus- ja ympäristöluvissa sekä toimitilojen käyttötarkoituksen muutoksissa.",
        "Jag ger råd om bygg- och miljötillstånd och om ändrad användning av lokaler.",
        "I advise on building and environmental permits and changes of use of premises.",
    ),
    "sanna.heikkinen@example.fi": (
        "Autan ensimmäisen työntekijän palkkaamisessa ja työnantajan velvollisuuksissa.",
        "Jag hjälper med att anställa den första arbetstagaren och arbetsgivarens skyldigheter.",
        "I help with hiring your first employee and an employer's obligations.",
    ),
    "kirsi.jarvinen@example.fi": (
        "Neuvon yrittäjiä verotuksessa: ennakkoverossa, arvonlisäverossa ja verokortissa.",
        "Jag ger företagare råd om beskattningen: förskottsskatt, moms och skattekort.",
        "I advise entrepreneurs on taxation: prepayment of tax, VAT and the tax card.",
    ),
    "riikka.salonen@example.fi": (
        "Kerron yrittäjän sosiaaliturvasta ja YEL-vakuutuksen vaikutuksesta etuuksiin.",
        "Jag berättar om företagarens sociala trygghet och hur FöPL påverkar förmånerna.",
        "I explain an entrepreneur's social security and how YEL insurance affects benefits.",
    ),
}


async def seed_directory(agencies: dict[str, int], experts: dict[str, int]) -> int:
    """Inside the seeding transaction: name the topics and write the bios not there yet; the
    experts' search documents follow. Answers the number of rows added."""
    added = 0
    for agency_slug, topics in TOPICS.items():
        added += await name_missing_topics(
            agencies[agency_slug],
            ((slug, {"fi": fi, "sv": sv, "en": en}) for slug, fi, sv, en in topics),
        )
    for email, (fi, sv, en) in BIOS.items():
        added += await write_missing_bio(experts[email], {"fi": fi, "sv": sv, "en": en})
    await refresh_expert_documents(experts.values())
    return added
