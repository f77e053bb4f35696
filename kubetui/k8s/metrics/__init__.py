"""CPU and memory usage per pod and container, from metrics.k8s.io or the kubelet summary."""
