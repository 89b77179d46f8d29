"""Access: who may act on which site (`scope`) and the record of what they did (`audit`).

The two guard rails every other domain applies. Calls no other domain.
"""
