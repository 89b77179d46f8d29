"""Fixtures of the service tests."""

from tests.support.gemini import gemini_server, gemini_settings, make_service

__all__ = ["gemini_server", "gemini_settings", "make_service"]
