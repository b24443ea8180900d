"""A throw-away domain app, installed only in the test settings: one folder plus one
INSTALLED_APPS line, and the engine, shell and contract tests pick it up."""
