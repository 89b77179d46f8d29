"""Fixtures of the API tests: the fake Gemini server, for routes that reach the AI."""

from tests.support.gemini import gemini_server, gemini_settings

__all__ = ["gemini_server", "gemini_settings"]
