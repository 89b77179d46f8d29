"""Learning from corrections: each site's validated deposits as extra classifier evidence.

`SiteMemory` (memory.py) indexes one site's validated descriptions for nearest-neighbour
votes; `LearningRegistry` (registry.py) keeps one memory per site in the process and brings it
up to date from a `ValidatedExamples` source — supplied by the deposits domain, which owns the
table: the AI domain never reads the database.
"""

from recyclic.services.ai.learning.memory import SiteMemory, ValidatedExample
from recyclic.services.ai.learning.registry import LearningRegistry, ValidatedExamples

__all__ = ["LearningRegistry", "SiteMemory", "ValidatedExample", "ValidatedExamples"]
