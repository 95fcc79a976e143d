"""`relevance app`: label, train and work through the removal list in the browser, on this machine only.

state.py is the session over the library; jobs.py runs its trainings in the background, each in a process of its
own (worker.py); words.py says what the library says to a terminal in the page's words, views.py what the page
is sent about a person; server.py is the HTTP layer and its guards, static/ the one page. The command itself is relevance/cli/app_cmd.py (the CLI alone imports
typer and rich).
"""
