"""Token folding (plurals, typos) and phrase matching against the lexicon index."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from .lexicon import Entry, Kind, Lexicon, get_lexicon
from .normalize import BREAK, STOPWORDS, plural_candidates, word_set
from .numbers import NUMBER_WORDS
from .quantities import is_plural_word

_MIN_FUZZY_LENGTH = 5
_FOLD_CACHE_LIMIT = 50_000
CLAUSE_BREAKS = frozenset({BREAK, "avec"})

# Everyday words of descriptions that sit one typo away from a lexicon word ("pliante" /
# "plante", "baroque" / "barque"): never "corrected". Precision matters more than recall here:
# speech transcripts are spelled correctly, typos come from typed descriptions.
COMMON_WORDS = word_set(
    """
    faire fais faisait refait entre entree entrer baroque cabine africaine africain
    asiatique chinoise japonaise indienne russe anglaise italienne espagnole allemande
    americaine francaise provencale normande bretonne rustique classique contemporain
    contemporaine design industriel scandinave boheme campagne champetre ancienne antique
    moderne etre suis etes sommes avoir avons avez avaient venir viens vient venu aller
    allait mettre mis prendre pris laisser laisse garder garde jeter jete vider vide vidage
    demenagement demenage succession heritage cadeau offert achete achat neuf neuve recent
    recente recentes recents abime abimees rayures rayure tache taches tachee fissure
    fissuree trou troue dechire dechiree fonctionnement panne rouille piece manquante
    manquant manque complete incomplet incomplete nickel impeccable super joli jolie belle
    beau beaux belles pratique solide costaud fragile lourde legeres grandes petites
    minuscule enorme geant moyen moyenne standard normal normale premier premiere dernier
    derniere deuxieme second seconde autre pareil pareille blanc noir gris rose orange
    violette marine turquoise dore doree argentee cuivre clair claire fonce foncee
    transparent transparente uni unie raye rayee fleuri fleurie carreaux pois motif motifs
    imprime imprimee brode brodee tricote tricotee bois chene pin hetre merisier noyer
    bambou rotin osier metal acier alu aluminium fer fonte cuir simili tissu coton laine
    soie lin velours plastique resine verre cristal porcelaine ceramique faience gres terre
    marbre pierre granit cuisine salon chambre salle bain garage grenier cave jardin
    terrasse balcon bureau atelier couloir buanderie maison appartement mamie papy papi mamy
    voisin voisine copain copine famille maman papa frere soeur cousin cousine monsieur
    madame semaine matin soir hier demain aujourdhui annee mois jour heure beaucoup peu
    assez trop presque environ quasiment vraiment plutot surtout seulement aussi encore deja
    toujours jamais souvent parfois ensemble separement chacun chacune quelqu quelque
    quelques plusieurs certains certaines aucun aucune rien tout tous
    marche marchait marchent fonctionne fonctionnel fonctionnelle fonctionnait casse cassee
    casses abime abimee abimes rouille rouillee raye rayee neuve neufs propre propres ancien
    anciens ancienne anciennes vieux vieille vieilles moderne vintage retro occasion etat
    parfait parfaite excellent complet complete complets entier entiere demonte demontee
    monte montee pliant pliante pliantes lourd lourde lourds leger legere grand grande
    grands grandes petit petite petits petites gros grosse grosses large larges longue
    longues court courte haute hautes basse basses noir noire noirs noires blanc blanche
    blancs blanches rouge rouges verte vertes bleue bleus bleues jaune jaunes grise grises
    marron beige violet doree argente couleur couleurs taille modele marque annee annees
    environ presque quasiment encore toujours jamais vraiment plusieurs quelques divers
    diverse diverses autre autres chose choses truc trucs machin bidule objet objets dedans
    dessus dessous donne donnee donner apporte apporter ramene recupere trouve grenier
    maison chambre enfant enfants adulte adultes homme femme fille garcon hiver pardon
    plutot dire veux crois pense sais fait fais pese pesee peser poids kilos grammes litres
    metre metres pouces places portes tiroirs pieces bouteilles tours fentes chacun chacune
    unite total toute toutes notre votre cette celle celui quelque chaque merci bonjour
    voici juste aussi mais parce comme quand ensuite avant apres depuis pendant allume
    chauffe chauffait tourne demarre branche secteur prise bouton boutons plastique metal
    metallique verre inox rond ronde carre carree murale muraux mural electrique electriques
    double simple doubles simples sale sales usage usagee usages usagees utilise utilisee
    servi servie marques marche marchent vendre vendu donnes porte portee lavable mouille
    sechee seche secher pliable rangement roulette roulettes pieds assise dossier coussins
    housse housses jamais servi encore emballage boite carton sachet notice manuel facture
    garantie origine originale sorte espece genre type style forme modele
    """
)


@dataclass(frozen=True, slots=True)
class Folded:
    """A token reduced to its lexicon form."""

    word: str
    plural: bool
    fuzzy: bool


@dataclass(frozen=True, slots=True)
class Match:
    """A lexicon entry found at tokens [start, end)."""

    start: int
    end: int
    entry: Entry
    fuzzy: bool


class Matcher:
    """Folds tokens onto the lexicon vocabulary and finds phrases in a token list."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._targets = frozenset(
            token
            for entry in lexicon.entries
            if entry.kind in (Kind.ITEM, Kind.CONTAINER)
            for token in entry.tokens
        )
        self._deletions = _deletion_index(self._targets)
        self._cache: dict[str, Folded] = {}

    def fold(self, token: str) -> Folded:
        """Singular, typo-corrected form of `token` when the vocabulary knows it."""
        folded = self._cache.get(token)
        if folded is None:
            if len(self._cache) > _FOLD_CACHE_LIMIT:
                self._cache.clear()
            folded = self._cache[token] = self._fold(token)
        return folded

    def _fold(self, token: str) -> Folded:
        vocabulary = self.lexicon.vocabulary
        if token in vocabulary:
            return Folded(token, False, False)
        candidates = plural_candidates(token)
        for candidate in candidates:
            if candidate in vocabulary:
                return Folded(candidate, True, False)
        if not _may_be_typo(token):
            return Folded(token, False, False)
        for form in (token, *candidates):
            corrected = self._closest(form)
            if corrected is not None:
                return Folded(corrected, is_plural_word(token), True)
        return Folded(token, False, False)

    def _closest(self, word: str) -> str | None:
        """A vocabulary word at one edit (or one transposition) from `word`, if any."""
        found: set[str] = set(self._deletions.get(word, ()))
        for index in range(len(word)):
            shorter = word[:index] + word[index + 1 :]
            if shorter in self._targets:
                found.add(shorter)
            found.update(self._deletions.get(shorter, ()))
        found = {c for c in found if c[0] == word[0] and _one_edit_apart(word, c)}
        if not found:
            return None
        return min(found, key=lambda candidate: _typo_rank(word, candidate))

    def find_matches(self, words: Sequence[Folded], tokens: Sequence[str]) -> list[Match]:
        """Longest lexicon phrases over content words, left to right, within clauses."""
        content = [i for i, word in enumerate(words) if _is_content(word.word)]
        clause_of = _clause_ids(tokens)
        matches: list[Match] = []
        position = 0
        while position < len(content):
            match = self._match_at(words, content, position, clause_of)
            if match is None:
                position += 1
                continue
            matches.append(match)
            position += len(match.entry.tokens)
        return matches

    def _match_at(
        self,
        words: Sequence[Folded],
        content: Sequence[int],
        position: int,
        clause_of: Sequence[int],
    ) -> Match | None:
        first = content[position]
        for entry in self.lexicon.index.get(words[first].word, ()):
            size = len(entry.tokens)
            if position + size > len(content):
                continue
            span = content[position : position + size]
            if clause_of[span[-1]] != clause_of[first]:
                continue
            if all(words[i].word == token for i, token in zip(span, entry.tokens, strict=True)):
                fuzzy = any(words[i].fuzzy for i in span)
                return Match(first, span[-1] + 1, entry, fuzzy)
        return None


def _one_edit_apart(typed: str, word: str) -> bool:
    """True when one insertion, deletion, substitution or swap turns `typed` into `word`."""
    if abs(len(typed) - len(word)) > 1:
        return False
    prefix = _common_prefix(typed, word)
    typed_rest, word_rest = typed[prefix:], word[prefix:]
    return (
        typed_rest[1:] == word_rest[1:]
        or typed_rest[1:] == word_rest
        or typed_rest == word_rest[1:]
        or (typed_rest[:2] == word_rest[1::-1] and typed_rest[2:] == word_rest[2:])
    )


def _common_prefix(first: str, second: str) -> int:
    """Length of the common prefix of two words."""
    size = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        size += 1
    return size


def _typo_rank(typed: str, candidate: str) -> tuple[int, int, str]:
    """Prefer the longest shared prefix, then a forgotten letter, then an extra one."""
    kind = 0 if len(candidate) > len(typed) else 1 if len(candidate) < len(typed) else 2
    return (-_common_prefix(typed, candidate), kind, candidate)


def _is_content(word: str) -> bool:
    """True for a token that lexicon phrases are made of."""
    return word not in STOPWORDS and word not in CLAUSE_BREAKS


def _clause_ids(tokens: Sequence[str]) -> list[int]:
    """Clause number of each token; phrases never span a comma or "avec"."""
    ids: list[int] = []
    current = 0
    for token in tokens:
        if token in CLAUSE_BREAKS:
            current += 1
        ids.append(current)
    return ids


def _may_be_typo(token: str) -> bool:
    """Only longer, unknown, alphabetic words are candidates for typo correction."""
    return (
        len(token) >= _MIN_FUZZY_LENGTH
        and token.isalpha()
        and token not in STOPWORDS
        and token not in COMMON_WORDS
        and token not in NUMBER_WORDS
    )


def _deletion_index(vocabulary: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Map each one-letter deletion of a vocabulary word to the words it comes from."""
    index: dict[str, list[str]] = defaultdict(list)
    for word in vocabulary:
        if len(word) >= _MIN_FUZZY_LENGTH and word.isalpha():
            for position in range(len(word)):
                index[word[:position] + word[position + 1 :]].append(word)
    return {key: tuple(sorted(words)) for key, words in index.items()}


@cache
def get_matcher() -> Matcher:
    """The shared matcher, built on first use."""
    return Matcher(get_lexicon())
