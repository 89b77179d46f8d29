"""Demo: the demo shop and the bulk history loaders (`recyclic demo seed`). Tooling, not
business rules: it drives the real services (or their journal payloads) to produce data a shop
could have produced.

May call any other domain (today: cash, people); nothing calls it but the CLI and
`recyclic serve --demo`.
"""
