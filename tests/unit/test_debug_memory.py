"""The debug image remembered per cluster: read back per server, default elsewhere, and a
broken file is ignored rather than fatal."""

from kubetui.debug_memory import remember_image, remembered_image


def test_remembered_per_server(tmp_path):
    path = tmp_path / "debug-images.json"
    assert remembered_image("https://a", "busybox:1.35", path) == "busybox:1.35"
    remember_image("https://a", "nicolaka/netshoot:v0.13", path)
    remember_image("https://b", "alpine:3.20", path)
    assert remembered_image("https://a", "busybox:1.35", path) == "nicolaka/netshoot:v0.13"
    assert remembered_image("https://b", "busybox:1.35", path) == "alpine:3.20"
    assert remembered_image("https://c", "busybox:1.35", path) == "busybox:1.35"


def test_a_broken_file_is_ignored(tmp_path):
    path = tmp_path / "debug-images.json"
    path.write_text("{not json")
    assert remembered_image("https://a", "busybox:1.35", path) == "busybox:1.35"
    remember_image("https://a", "alpine:3.20", path)  # rewritten whole
    assert remembered_image("https://a", "busybox:1.35", path) == "alpine:3.20"
    path.write_text('["a list"]')
    assert remembered_image("https://a", "busybox:1.35", path) == "busybox:1.35"
