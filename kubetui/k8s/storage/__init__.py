"""PersistentVolumeClaims with their CSI driver, VolumeSnapshots, their classes, and the snapshot
and restore requests.
"""
