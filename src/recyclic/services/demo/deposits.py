"""Demo deposits: a month of realistic drop-offs in every status, always the same ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from recyclic.models.deposit import (
    AIProvider,
    Channel,
    Deposit,
    DepositStatus,
    Destination,
    DonorType,
)
from recyclic.models.site import Site
from recyclic.models.user import User
from recyclic.repositories.deposit_repository import DepositRepository

V, C, D, X = (
    DepositStatus.VALIDATED,
    DepositStatus.CLASSIFIED,
    DepositStatus.DRAFT,
    DepositStatus.CANCELLED,
)
REUSE, RECYCLING, DISPOSAL = Destination.REUSE, Destination.RECYCLING, Destination.DISPOSAL
LOCAL, GEMINI = AIProvider.LOCAL, AIProvider.GEMINI


@dataclass(frozen=True, slots=True)
class DemoDeposit:
    description: str | None
    status: DepositStatus
    ai: tuple[str, int, AIProvider] | None = None  # what the AI proposed
    category: str | None = None  # what a person kept or chose (default: the AI's)
    quantity: int | None = None
    weight_g: int | None = None
    destination: Destination | None = None
    donor: DonorType | None = DonorType.INDIVIDUAL
    postal_code: str | None = "14000"
    channel: Channel = Channel.DROP_OFF


DEMO_DEPOSITS: tuple[DemoDeposit, ...] = (
    DemoDeposit(
        "Un réfrigérateur Whirlpool, environ 45 kilos",
        V,
        ("EEE-1", 88, LOCAL),
        None,
        1,
        45_000,
        RECYCLING,
    ),
    DemoDeposit(
        "Deux chaises en bois", V, ("MOB", 92, LOCAL), None, 2, 9_000, REUSE, postal_code="14120"
    ),
    DemoDeposit("Un sac de vêtements d'enfants", V, ("TLC", 90, LOCAL), None, 1, 6_500, REUSE),
    DemoDeposit("Un carton de livres de poche", V, ("LIV", 87, LOCAL), None, 1, 12_000, REUSE),
    DemoDeposit(
        "Une télévision Samsung 40 pouces", V, ("EEE-2", 93, GEMINI), None, 1, 11_000, REUSE
    ),
    DemoDeposit(
        "Un micro-ondes qui ne marche plus", V, ("EEE-5", 85, LOCAL), None, 1, 14_000, RECYCLING
    ),
    DemoDeposit(
        "Une lampe de chevet", V, ("EEE-5", 70, LOCAL), None, 1, 1_500, REUSE, postal_code="14200"
    ),
    DemoDeposit("Six assiettes et six verres", V, ("VAI", 89, LOCAL), None, 12, 5_200, REUSE),
    DemoDeposit(
        "Une machine à laver Bosch",
        V,
        ("EEE-4", 91, GEMINI),
        None,
        1,
        65_000,
        RECYCLING,
        DonorType.BUSINESS,
        "14000",
        Channel.PICKUP,
    ),
    DemoDeposit("Un vélo d'enfant", V, ("SPO", 80, LOCAL), None, 1, 8_000, REUSE),
    DemoDeposit("Une perceuse Makita", V, ("EEE-5", 75, LOCAL), None, 1, 2_200, REUSE),
    DemoDeposit(
        "Un ordinateur portable Dell",
        V,
        ("EEE-2", 86, GEMINI),
        None,
        1,
        2_500,
        REUSE,
        DonorType.PUBLIC,
        "50100",
    ),
    DemoDeposit("Un smartphone à l'écran cassé", V, ("EEE-6", 84, LOCAL), None, 1, 200, RECYCLING),
    DemoDeposit("Un miroir doré", V, ("DEC", 78, LOCAL), None, 1, 4_000, REUSE),
    DemoDeposit(
        "Une boîte de Lego", V, ("JOU", 90, LOCAL), None, 1, 3_000, REUSE, postal_code="61000"
    ),
    DemoDeposit("Un matelas 140 taché", V, ("MOB", 86, LOCAL), None, 1, 20_000, DISPOSAL),
    DemoDeposit(
        "Dix ampoules basse consommation", V, ("EEE-3", 82, LOCAL), None, 10, 1_000, RECYCLING
    ),
    # Two corrections: the AI's first choice was not kept.
    DemoDeposit(
        "Un radiateur bain d'huile", V, ("EEE-5", 55, LOCAL), "EEE-1", 1, 12_000, RECYCLING
    ),
    DemoDeposit("Une tondeuse électrique", V, ("EEE-5", 60, LOCAL), "EEE-4", 1, 18_000, REUSE),
    DemoDeposit(
        "Un lot d'outils de jardin",
        V,
        ("BRI", 81, LOCAL),
        None,
        1,
        7_500,
        REUSE,
        channel=Channel.COLLECTION_POINT,
    ),
    DemoDeposit(
        "Une imprimante HP", V, ("EEE-6", 88, GEMINI), None, 1, 6_000, RECYCLING, DonorType.BUSINESS
    ),
    DemoDeposit("Un fauteuil en cuir", C, ("MOB", 90, LOCAL), None, 1),
    DemoDeposit("Un sac de chaussures", C, ("TLC", 85, LOCAL), None, 1, 4_000),
    DemoDeposit("Trois cadres photo", C, ("DEC", 76, LOCAL), None, 3),
    DemoDeposit("Une cafetière Senseo", C, ("EEE-5", 87, LOCAL), None, 1, 2_000),
    DemoDeposit("Une poussette", C, ("DIV", 45, LOCAL)),
    DemoDeposit(None, D),  # a voice note still to be described
    DemoDeposit("Des jouets en vrac", D, postal_code=None),
    DemoDeposit("Un canapé trois places très abîmé", X, ("MOB", 88, LOCAL), None, 1),
    DemoDeposit("Doublon de la saisie précédente", X, donor=None, postal_code=None),
)


async def seed_demo_deposits(
    session: AsyncSession, site: Site, *, volunteers: list[User], validator: User, now: datetime
) -> int:
    """Add the demo deposits to `site` unless it has some already; how many were added."""
    deposits = DepositRepository(session)
    if await deposits.count_in_site(site.id):
        return 0
    for index, item in enumerate(DEMO_DEPOSITS):
        # One or two a day over the last month, during opening hours.
        created_at = (now - timedelta(days=index, hours=index % 6)).replace(second=0, microsecond=0)
        deposit = Deposit(
            site_id=site.id,
            created_by=volunteers[index % len(volunteers)].id,
            status=item.status,
            description=item.description,
            category=item.category or (item.ai[0] if item.ai else None),
            quantity=item.quantity,
            weight_g=item.weight_g,
            destination=item.destination,
            donor_type=item.donor,
            postal_code=item.postal_code,
            channel=item.channel,
            human_validated=item.status == V,
            created_at=created_at,
            updated_at=created_at,
        )
        if item.ai is not None:
            deposit.ai_category, deposit.ai_confidence, deposit.ai_provider = item.ai
            deposit.ai_alternatives = []
        if item.status == V:
            deposit.validated_by = validator.id
            deposit.validated_at = created_at + timedelta(minutes=5)
            if item.ai is not None:
                deposit.ai_first_choice_kept = deposit.category == item.ai[0]
        await deposits.add(deposit, flush=False)
    await session.flush()
    return len(DEMO_DEPOSITS)
