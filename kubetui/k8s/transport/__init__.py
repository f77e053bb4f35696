"""How kubetui talks to the apiserver: the kubeconfig and credentials, the one HTTP client
(``cluster.py``), errors as typed values, discovery, the one write path (``writes.py``) and the
exec/attach and port-forward streams.
"""
