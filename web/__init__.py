"""The pages beyond Discord (issue 25): a small aiohttp + Jinja2 adapter, like cogs/.

It reads through db/ and the features' flows and never writes; it imports no
discord and no cog's cog.py or ui.py (tests/unit/test_architecture.py checks).
`web.server` is loaded by the client as an extension and starts the server;
`web.app.create_app` builds the application (tests build it directly).
"""
