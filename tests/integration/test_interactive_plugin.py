"""A credential plugin that must talk to the person (``interactiveMode: Always``) gets the real
terminal: before the UI starts, and mid-session after a 401, with the UI suspended
(``App.suspend``) and restored afterwards. Driven in tmux, as a person would."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import LocalCluster
from tests.integration.test_credentials_refresh import (
    minting_kubeconfig,
    revoke,
    running_pod,
    runs,
)
from tests.integration.tmux import Tmux


def test_interactive_plugin_prompts_on_the_terminal(local_cluster: LocalCluster, namespace: str,
                                                    tmp_path: Path):
    c = local_cluster
    kubeconfig = minting_kubeconfig(c, namespace, tmp_path)
    cfg = yaml.safe_load(kubeconfig.read_text())
    script = Path(cfg["users"][0]["user"]["exec"]["command"])
    body = script.read_text().split("\n", 1)[1]
    script.write_text("#!/bin/sh\nprintf 'kubetui-test password: ' >&2\nread pw\n"
                      '[ "$pw" = "s3cret" ] || { echo "wrong password" >&2; exit 1; }\n' + body)
    cfg["users"][0]["user"]["exec"]["interactiveMode"] = "Always"
    kubeconfig.write_text(yaml.safe_dump(cfg))
    running_pod(c, namespace, "talker", "hello")
    term = Tmux("kubetui-interactive-test")
    term.start_kubetui("--kubeconfig", str(kubeconfig))
    try:
        term.wait("kubetui-test password:")  # before the UI: the terminal is simply inherited
        term.keys("s3cret", "Enter")
        term.wait("talker")
        term.wait("live")
        assert runs(tmp_path) == 1
        revoke(c, namespace, 1)
        term.keys("Enter")  # describe: a 401, then the plugin again
        term.wait("kubetui-test password:")  # the UI is suspended, the prompt is on screen
        term.keys("s3cret", "Enter")
        text = term.wait("Namespace:")  # the UI is back, with the describe loaded
        assert "talker" in text
        assert runs(tmp_path) == 2
        term.keys("Escape")
        term.quit()
    finally:
        term.kill()
