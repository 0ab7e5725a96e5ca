"""Command groups beyond the core (bank, exam, export …); each module registers itself on `examgen.cli.app`."""
