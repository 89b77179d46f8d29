"""The web app interface: page shells (Jinja2), static files, vendored browser libraries and
the service worker.

Pages are shells that hold no data (the same for everyone, cacheable offline); their scripts
talk to the JSON API with an access token kept in memory.
"""
