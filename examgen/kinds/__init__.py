"""Problem kinds: one module per kind, `examgen/kinds/<chapter>/<kind>.py`, in one folder per chapter of the notes.

A kind's module holds, top to bottom, its params schema, its pure solver (params → Solution), its sampler, its
prompt and its `register(Kind(...))`. Helpers shared by kinds of one chapter sit in that chapter's `_shared.py`,
helpers shared across chapters in `_common.py`. `examgen.registry` finds kinds by file name and imports a module
only when its kind is used."""
