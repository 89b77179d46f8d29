"""French prompts for Gemini, built from the active categories and our labelling conventions.

The conventions are those of `categories.md` and spec §6 — the ones the labelled sets follow —
so that Gemini and the local classifier answer the same question. A convention that names a
category is left out when that category is not active.
"""

from __future__ import annotations

from collections.abc import Sequence

from recyclic.services.ai.types import CategoryInfo

# What belongs where, for the reference codes (admins may add others: they get their label).
CATEGORY_HINTS: dict[str, str] = {
    "EEE-1": "froid et chaleur : réfrigérateur, congélateur, cave à vin, climatiseur, "
    "déshumidificateur, pompe à chaleur, radiateur bain d'huile (toute taille)",
    "EEE-2": "écrans : téléviseur, moniteur, ordinateur portable, tablette, cadre photo "
    "numérique (toute taille)",
    "EEE-3": "lampes : ampoules LED ou basse consommation, tubes néon (pas les luminaires)",
    "EEE-4": "gros appareils électriques (une dimension extérieure > 50 cm) : lave-linge, "
    "lave-vaisselle, cuisinière, four, sèche-linge, grand photocopieur, tondeuse électrique, "
    "lampadaire",
    "EEE-5": "petits appareils électriques (aucune dimension > 50 cm) : micro-ondes, "
    "aspirateur, bouilloire, grille-pain, cafetière, sèche-cheveux, perceuse, radio, "
    "jouets électriques, luminaires comme une lampe de chevet",
    "EEE-6": "petit informatique et télécoms (≤ 50 cm) : téléphone, smartphone, tour "
    "d'ordinateur, imprimante, box internet, disque dur externe, clavier, souris, "
    "calculatrice, GPS",
    "EEE-7": "panneaux photovoltaïques",
    "MOB": "meubles et literie (non électriques) : chaise, table, armoire, canapé, matelas, "
    "sommier",
    "TLC": "textiles, linge de maison et chaussures : vêtements, manteaux, draps, rideaux",
    "JOU": "jouets non électriques : peluches, jeux de société, poupées, Lego",
    "SPO": "sport et loisirs non électriques : vélo, skis, raquettes, ballons, camping",
    "BRI": "bricolage et jardin non électriques : outils à main, arrosoir, échelle",
    "LIV": "livres, disques, vinyles, CD, DVD, bandes dessinées",
    "VAI": "vaisselle et cuisine : assiettes, verres, casseroles, couverts",
    "DEC": "décoration : bibelots, cadres, miroirs, vases",
    "DIV": "tout ce qui n'entre dans aucune autre catégorie (valise, parapluie…)",
}

# (rule, codes it names): a rule is given only when all its codes are active.
CLASSIFICATION_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Un objet qui fonctionne à l'électricité (secteur, pile ou batterie) va dans une "
        "catégorie EEE, même s'il est cassé.",
        (),
    ),
    (
        "Une lampe de chevet est un luminaire (EEE-5) ; un lampadaire est un luminaire de "
        "plus de 50 cm (EEE-4) ; une ampoule ou un néon est une lampe (EEE-3).",
        ("EEE-3", "EEE-4", "EEE-5"),
    ),
    (
        "Téléphones et smartphones : EEE-6 ; ordinateurs portables et tablettes : EEE-2 "
        "(écran) ; tours d'ordinateur et imprimantes : EEE-6.",
        ("EEE-2", "EEE-6"),
    ),
    ("Un radiateur bain d'huile est EEE-1.", ("EEE-1",)),
    (
        "Entre EEE-4 et EEE-5, la taille décide : plus de 50 cm (« grand », « sur pied ») → EEE-4.",
        ("EEE-4", "EEE-5"),
    ),
)

QUANTITY_RULES = """\
Quantité (nombre d'objets du dépôt, entier) :
- un seul objet nommé = 1 (« sèche-cheveux », « un frigo ») ;
- un nombre dit l'emporte (« trois chaises » = 3, « une dizaine » = 10, « une vingtaine » = 20) ;
- un contenant sans nombre = 1 lot (« un carton de livres », « un sac de vêtements ») ;
- une paire = 1 (« une paire de skis ») ; des paires comptées se comptent (« six paires » = 6) ;
- des objets énumérés s'additionnent (« six assiettes et six verres » = 12, « clavier et \
souris » = 2) ;
- le même objet nommé deux fois compte une fois (« une chaise, une chaise de bureau » = 1, \
« un téléphone portable, un Nokia » = 1) ;
- les éléments d'un pluriel compté gardent son nombre (« trois lampes, une rouge et deux \
blanches » = 3, « deux matelas, un de 90 et un de 140 » = 2) ;
- un pluriel repris avec son nombre prend ce nombre (« des verres, six verres à pied » = 6) ;
- les nombres qui ne comptent pas des objets sont ignorés (« 40 pouces », « 33 tours », \
« matelas 140 », « canapé trois places », « table de 120 ») ;
- un pluriel sans nombre n'a pas de quantité : null (« des assiettes »)."""

WEIGHT_RULES = """\
Poids (du lot entier, en kilogrammes, nombre décimal) :
- « 12 kilos », « 12 kg » = 12 ; « 3,5 kg » = 3.5 ; « un kilo et demi » = 1.5 ; \
« 500 grammes » = 0.5 ;
- si la personne se corrige (« 40 kilos, non pardon 41 »), garde la dernière valeur ;
- « livres » après un nombre désigne des livres (objets), jamais une unité de poids ;
- null si aucun poids n'est dit ; n'invente jamais un poids."""

ANSWER_RULES = """\
Réponse :
- category : le code de la catégorie la plus probable, pris dans la liste ;
- confidence : entier de 0 à 100, ta probabilité que cette catégorie soit la bonne ;
- alternatives : jusqu'à 3 autres codes plausibles avec leur confiance, du plus au moins \
probable, sans répéter category ; liste vide si aucun ;
- quantity et weight_kg selon les règles ci-dessus.
Réponds uniquement avec l'objet JSON demandé."""

TRANSCRIPTION_PROMPT = (
    "Transcris mot pour mot, en français, ce message vocal d'un bénévole de ressourcerie qui "
    "décrit des objets déposés. Écris les nombres en chiffres. N'ajoute ni titre, ni "
    "commentaire, ni guillemets. S'il n'y a aucune parole audible, réponds par une chaîne vide."
)


def category_lines(categories: Sequence[CategoryInfo]) -> str:
    """One line per active category: code, label and what belongs there."""
    lines = []
    for category in categories:
        hint = CATEGORY_HINTS.get(category.code)
        lines.append(f"- {category.code} : {category.label}" + (f" — {hint}" if hint else ""))
    return "\n".join(lines)


def classification_system_prompt(categories: Sequence[CategoryInfo]) -> str:
    """The system instruction for classifying one deposit description."""
    active = {category.code for category in categories}
    rules = "\n".join(
        f"- {rule}" for rule, codes in CLASSIFICATION_RULES if all(code in active for code in codes)
    )
    return "\n\n".join(
        (
            "Tu aides les bénévoles d'une ressourcerie (boutique de réemploi) à enregistrer les "
            "objets déposés. On te donne la description d'un dépôt, souvent la transcription "
            "d'un message vocal (fautes, hésitations, mots mal reconnus). Choisis la catégorie "
            "réglementaire de l'objet et relève la quantité et le poids s'ils sont dits.",
            "Catégories (code : libellé — exemples) :\n" + category_lines(categories),
            "Règles de classement :\n" + rules,
            QUANTITY_RULES,
            WEIGHT_RULES,
            ANSWER_RULES,
        )
    )


def classification_user_prompt(text: str, examples: Sequence[tuple[str, str]] = ()) -> str:
    """The description, delimited so that it is read as data, not as instructions; before it,
    the site's closest validated examples (description, code), one quoted line each."""
    description = f"Description du dépôt :\n<<<\n{_as_data(text)}\n>>>"
    if not examples:
        return description
    lines = "\n".join(f"- « {_as_data(example)} » → {code}" for example, code in examples)
    return (
        "Dépôts déjà validés par les bénévoles de cette ressourcerie (leurs mots, leurs "
        "choix ; suis-les quand la description est proche) :\n"
        f"{lines}\n\n{description}"
    )


def _as_data(text: str) -> str:
    """User text without the delimiters and line breaks that could pass for instructions."""
    return " ".join(text.replace("<<<", "« ").replace(">>>", " »").split())
