"""The live store layer, between the cluster (``kubetui.k8s``) and the views.

One store per (kind, scope, row builder), fed by one reflector, shared by every view of that
scope and stopped when the last one lets go (``registry.py``); rows by uid, status and indexes
(``store.py``); the questions views ask of them (``queries.py``). Nothing here imports Textual.
"""
