"""Triage: the cause of a broken object named in one sentence, from objects already watched."""
