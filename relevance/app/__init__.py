"""`relevance app`: label, train and work through the removal list in the browser, on this machine only.

state.py is the session over the library, server.py the HTTP layer and its guards, static/ the one page;
command.py is the CLI command (the only module here importing typer and rich).
"""
