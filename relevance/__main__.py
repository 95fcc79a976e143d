from relevance.cli import app

app(prog_name="relevance")
