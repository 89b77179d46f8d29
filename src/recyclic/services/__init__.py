"""Business services."""
