"""The site's validated deposits, read for the classifier's memory of corrections.

The AI domain never reads the database: it asks this source for what changed since its last
look (`services/ai/learning`), and the deposits domain — which owns the table — answers.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from recyclic.repositories.deposit_repository import DepositRepository
from recyclic.services.ai.learning import ValidatedExample


class ValidatedDeposits:
    """A `ValidatedExamples` source over the deposits of the current unit of work."""

    def __init__(self, deposits: DepositRepository) -> None:
        self.deposits = deposits

    async def validated_examples(
        self, site_id: uuid.UUID, *, changed_since: datetime | None, limit: int
    ) -> Sequence[ValidatedExample]:
        """The site's validated deposits changed at or after `changed_since`, latest first."""
        rows = await self.deposits.validated_descriptions(
            site_id, changed_since=changed_since, limit=limit
        )
        return [
            ValidatedExample(
                row.deposit_id, row.text, row.category, row.validated_at, row.updated_at
            )
            for row in rows
        ]
