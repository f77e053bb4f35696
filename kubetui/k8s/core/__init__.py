"""core/v1 objects as rows and text: pods (kubectl's STATUS), a pod's describe/YAML/logs, events,
namespaces.
"""
