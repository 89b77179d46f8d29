"""The Telegram bot (aiogram 3): one router per flow, services injected by middleware.

`runtime.BotRuntime` is the entry point (webhook and polling); `dispatcher` builds the aiogram
objects. This package's `__init__` imports nothing, so that the app can reference the runtime
without loading aiogram.
"""
