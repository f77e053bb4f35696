"""kubectl debug's three modes as pure request builders (ephemeral container, copy, node pod),
their inputs and profiles, and following the new container until it runs.
"""
