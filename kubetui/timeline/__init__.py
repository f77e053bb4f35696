"""The incident timeline: what kubetui did and saw in a session, kept as it happens."""
