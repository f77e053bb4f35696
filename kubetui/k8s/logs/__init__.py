"""Logs of many containers as one stream: the kubelet's timestamped lines parsed, merged in
time order into a bounded buffer, searched, and saved. Pure, except ``stream``."""
