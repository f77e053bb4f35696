"""Typed intents: what a view asks for, as messages that bubble up to whoever carries it out.

A pane or a screen says what the user wants (``DebugPod(namespace, name)``); the app hands it
to the flow that does it (``app.flows.debug``). One module per feature; no string kinds.
"""
