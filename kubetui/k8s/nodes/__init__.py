"""Nodes as rows, and the node audit: the Node, the kubelet's configz, PIDs per pod,
RuntimeClasses.
"""
