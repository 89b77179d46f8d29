"""Everything the bot says, in French: short, friendly, with the seed's emoji (📦 ✅ ✏️ ❌ ➕).

Messages are sent as Telegram HTML: every value that comes from people (names, descriptions,
category labels) goes through `esc`.
"""

from __future__ import annotations

from datetime import date
from html import escape

from recyclic.core.exceptions import RecyclicError
from recyclic.models.deposit import Deposit, DepositStatus
from recyclic.models.site import Site
from recyclic.models.user import Role, User, UserStatus
from recyclic.utils.formatting import format_euros, format_kg


def esc(value: object) -> str:
    """A value made safe for Telegram HTML."""
    return escape(str(value), quote=False)


# --- Access ---------------------------------------------------------------------------------

UNKNOWN_USER = "👋 Je ne vous connais pas encore : tapez /start pour vous inscrire."
PENDING = (
    "⏳ Votre inscription attend la validation d'un responsable de la ressourcerie. "
    "Je vous préviens dès qu'elle est acceptée."
)
REJECTED = (
    "🚫 Votre inscription n'a pas été acceptée. "
    "Rapprochez-vous d'un responsable de la ressourcerie si c'est une erreur."
)
DISABLED = "🚫 Votre compte est désactivé. Rapprochez-vous d'un responsable de la ressourcerie."
OPERATORS_ONLY = "🔒 Votre rôle (lecture seule) ne permet pas d'enregistrer de dépôt."
ADMINS_ONLY = "🔒 Cette commande est réservée aux administrateurs."
NO_SITE = "🤔 Votre compte n'est rattaché à aucune ressourcerie : demandez-le à un responsable."

# --- Start, help, account -------------------------------------------------------------------


def welcome(user: User) -> str:
    return f"👋 Bonjour {esc(user.full_name)} ! Que voulez-vous faire ?"


def registered(site: Site | None) -> str:
    if site is None:
        return (
            "👋 Bienvenue ! Votre demande d'inscription est enregistrée.\n"
            "Pour la transmettre à votre ressourcerie, ouvrez le lien d'inscription qu'elle "
            "vous a donné (il se termine par <code>?start=site_…</code>)."
        )
    return (
        f"👋 Bienvenue ! Votre demande d'inscription a été transmise aux responsables de "
        f"<b>{esc(site.name)}</b>. Je vous préviens dès qu'elle est acceptée."
    )


def help_text(user: User | None, timeout_minutes: int) -> str:
    lines = ["❓ <b>Ce que je sais faire</b>"]
    if user is None or user.status != UserStatus.APPROVED:
        lines += [
            "/start — vous inscrire (un responsable valide votre inscription)",
            "/aide — cette aide",
        ]
        return "\n".join(lines)
    lines += [
        "/depot — enregistrer un dépôt : envoyez un message vocal 🎙️ ou décrivez l'objet",
        "/annuler — abandonner le dépôt en cours",
        "/connexion — recevoir un code pour l'application web",
        "/aide — cette aide",
    ]
    if user.role.at_least(Role.ADMIN):
        lines.append("/stats — les dépôts et les ventes du jour")
    lines.append(f"\nUn dépôt non confirmé expire après {timeout_minutes} min sans réponse.")
    return "\n".join(lines)


def login_code(code: str, minutes: int, public_url: str) -> str:
    shown = f"{code[:4]}-{code[4:]}" if len(code) == 8 else code
    where = f" sur {esc(public_url.rstrip('/'))}" if public_url else ""
    return (
        f"🔑 Votre code de connexion : <code>{esc(shown)}</code>\n"
        f"Saisissez-le dans l'application web{where}. Il est valable {minutes} minutes, "
        "une seule fois."
    )


NOTHING_TO_CANCEL = "Rien à annuler 🙂 Tapez /depot pour enregistrer un dépôt."

# --- Deposits -------------------------------------------------------------------------------

ASK_DESCRIPTION = (
    "📦 <b>Nouveau dépôt</b> : envoyez un message vocal 🎙️ ou décrivez l'objet par écrit.\n"
    "Ex. : « deux chaises en bois, environ 8 kg »"
)
ASK_WEIGHT = "⚖️ Quel est le poids total du dépôt, en kg ? (ex. : 12, 12,5 ou « douze kilos »)"
ASK_QUANTITY = "🔢 Combien d'objets (ou de lots) ? (ex. : 1, 3 ou « une dizaine »)"
BAD_WEIGHT = (
    "🤔 Je n'ai pas compris le poids. Écrivez un nombre de kilos, par ex. 12 ou 12,5 (ou /annuler)."
)
BAD_QUANTITY = (
    "🤔 Je n'ai pas compris la quantité. Écrivez un nombre entier, par ex. 3 (ou /annuler)."
)
DESCRIBE_HINT = (
    "📦 J'attends un message vocal 🎙️ ou une description écrite de l'objet déposé (ou /annuler)."
)
USE_BUTTONS = (
    "👆 Utilisez les boutons ✅ Valider, ✏️ Corriger ou ❌ Annuler ci-dessus (ou /annuler)."
)
WEIGHT_HINT = "⚖️ J'attends le poids en kg, par ex. 12 ou 12,5 (ou /annuler)."
QUANTITY_HINT = "🔢 J'attends le nombre d'objets, par ex. 3 (ou /annuler)."
VOICE_KEPT = (
    "🎙️ J'ai bien reçu votre message vocal (il est conservé), mais la reconnaissance vocale "
    "n'est pas disponible ici pour l'instant.\n✍️ Décrivez l'objet par écrit, s'il vous plaît."
)
VOICE_DOWNLOAD_FAILED = (
    "😕 Je n'ai pas pu récupérer le message vocal. Réessayez, ou décrivez l'objet par écrit."
)
CANCELLED = "❌ Dépôt annulé : rien n'a été enregistré."
DEPOSIT_GONE = (
    "🤷 Ce dépôt n'existe plus (supprimé entre-temps) : rien n'a été enregistré. "
    "Tapez /depot pour recommencer."
)


def expired_conversation(timeout_minutes: int) -> str:
    return (
        f"⌛ La conversation a expiré après {timeout_minutes} min sans réponse : rien n'a été "
        "enregistré. Tapez /depot pour recommencer."
    )


EXPIRED_BUTTON = "⌛ Ce bouton n'est plus valide."
CHOOSE_CATEGORY = "✏️ Choisissez la bonne catégorie :"


_HEARD_MAX = 500


def deposit_closed(deposit: Deposit) -> str:
    word = "validé" if deposit.status == DepositStatus.VALIDATED else "annulé"
    return f"ℹ️ Ce dépôt a déjà été {word} entre-temps. Tapez /depot pour un nouveau dépôt."


def deposit_line(deposit: Deposit, labels: dict[str, str]) -> str:
    """ "EEE-5 Petits équipements électriques (85 %) · 12 kg · 1" (confidence only while the
    category is the AI's; "?" for what is still unknown)."""
    code = deposit.category or "?"
    label = labels.get(code, "")
    parts = [f"<b>{esc(code)}</b> {esc(label)}".strip()]
    if (
        deposit.status != DepositStatus.VALIDATED
        and deposit.ai_confidence is not None
        and deposit.category == deposit.ai_category
    ):
        parts[0] += f" ({deposit.ai_confidence} %)"
    parts.append(format_kg(deposit.weight_g) if deposit.weight_g is not None else "poids ?")
    parts.append(str(deposit.quantity) if deposit.quantity is not None else "quantité ?")
    return " · ".join(parts)


def proposal(deposit: Deposit, labels: dict[str, str]) -> str:
    """The one-line proposal, plus what was heard when it came from a voice note."""
    text = f"📦 {deposit_line(deposit, labels)}"
    if deposit.transcription:
        heard = deposit.transcription
        if len(heard) > _HEARD_MAX:  # Telegram refuses messages over 4,096 characters
            heard = heard[: _HEARD_MAX - 1].rstrip() + "…"
        text += f"\n🎙️ <i>« {esc(heard)} »</i>"
    return text


def choosing(deposit: Deposit, labels: dict[str, str]) -> str:
    return f"{proposal(deposit, labels)}\n\n{CHOOSE_CATEGORY}"


def saved(deposit: Deposit, labels: dict[str, str]) -> str:
    return f"✅ Dépôt enregistré : {deposit_line(deposit, labels)}"


# --- Admins ---------------------------------------------------------------------------------


def decided(applicant: User, approved: bool) -> str:
    if approved:
        return f"✅ Inscription de {esc(applicant.full_name)} approuvée."
    return f"❌ Inscription de {esc(applicant.full_name)} refusée."


def already_decided(applicant: User) -> str:
    word = {UserStatus.APPROVED: "approuvée", UserStatus.REJECTED: "refusée"}.get(
        applicant.status, "traitée"
    )
    return f"ℹ️ L'inscription de {esc(applicant.full_name)} a déjà été {word}."


APPLICANT_GONE = "ℹ️ Cette demande d'inscription n'existe plus."
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def french_date(day: date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def stats(
    site: Site,
    day: date,
    deposits: list[tuple[str, str, int, int]],
    sales_count: int,
    sales_total_cents: int,
) -> str:
    """`deposits`: (code, label, count, grams) per category."""
    count = sum(row[2] for row in deposits)
    grams = sum(row[3] for row in deposits)
    lines = [
        f"📊 <b>{esc(site.name)}</b> — {french_date(day)}",
        f"📦 Dépôts validés : {count} · {format_kg(grams)}",
    ]
    lines += [
        f"  • {esc(code)} {esc(label)} : {n} · {format_kg(g)}" for code, label, n, g in deposits
    ]
    ticket = "ticket" if sales_count == 1 else "tickets"
    lines.append(f"💶 Ventes : {sales_count} {ticket} · {format_euros(sales_total_cents)}")
    return "\n".join(lines)


# --- Menu buttons ---------------------------------------------------------------------------

BUTTON_DEPOSIT = "📦 Nouveau dépôt"
BUTTON_ANOTHER = "➕ Un autre dépôt"
BUTTON_LOGIN = "🔑 Connexion web"
BUTTON_HELP = "❓ Aide"
BUTTON_STATS = "📊 Stats du jour"
BUTTON_VALIDATE = "✅ Valider"
BUTTON_CORRECT = "✏️ Corriger"
BUTTON_CANCEL = "❌ Annuler"
BUTTON_BACK = "↩️ Retour"

# --- Anything else --------------------------------------------------------------------------

UNKNOWN_COMMAND = "🤔 Je ne connais pas cette commande. Tapez /aide pour la liste."
NOT_UNDERSTOOD = "🤔 Je n'ai pas compris. Tapez /depot pour enregistrer un dépôt, ou /aide."
APOLOGY = (
    "😕 Oups, un problème technique m'a empêché de terminer : rien n'a été enregistré. "
    "Réessayez dans un instant."
)


def refusal(error: RecyclicError) -> str:
    """A refusal of a service (its French message)."""
    return f"⚠️ {esc(error.message)}"
