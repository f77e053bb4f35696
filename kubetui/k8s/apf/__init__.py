"""API Priority & Fairness: priority levels and flow schemas as rows, and the debug dump and
metrics polled while the flows pane is shown.
"""
