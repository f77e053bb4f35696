"""The pods' probes as kubelet runs them: their configuration, a run by hand (exec, httpGet,
tcpSocket), risks, edits, and the target pod with its owner.
"""
