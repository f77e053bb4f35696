"""The fix actions' pure request builders: delete, rollout restart and undo, scale, cordon and
drain, CronJob trigger and suspend. No I/O: each returns a ``Fix`` (the writes and the kubectl
equivalent) for the one action path (``kubetui/actions.py``)."""
