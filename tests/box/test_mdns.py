"""T13: inside a private network namespace (unshare -n), the box's mDNS services and TXT records are found by an
independent client; when an interface appears, the box announces itself on it. No multicast leaves the namespace."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

BROWSE = r"""
import json, sys, time
from zeroconf import IPVersion, ServiceBrowser, Zeroconf
interface, wanted = sys.argv[1], sys.argv[2]
limit = float(sys.argv[3]) if len(sys.argv) > 3 else 15
zc = Zeroconf(interfaces=[interface], ip_version=IPVersion.V4Only)
names = []
class Listener:
    def add_service(self, z, t, n): names.append(n)
    def update_service(self, z, t, n): pass
    def remove_service(self, z, t, n): pass
browser = ServiceBrowser(zc, "_floorcraft._tcp.local.", Listener())
deadline = time.monotonic() + limit
found = None
while time.monotonic() < deadline and found is None:
    for name in list(names):
        info = zc.get_service_info("_floorcraft._tcp.local.", name, timeout=2000)
        if info and wanted in info.parsed_addresses():
            found = {"name": name, "port": info.port, "addresses": info.parsed_addresses(),
                     "txt": {k.decode(): (v or b"").decode() for k, v in info.properties.items()}}
    time.sleep(0.2)
browser.cancel()
zc.close()
print(json.dumps(found))
"""

NAMESPACE = r"""
set -e
ip link set lo up
"$PY" -m appliance serve > "$DATA/server.log" 2>&1 &
server=$!
for i in $(seq 1 100); do
  "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/api/health')" 2>/dev/null && break
  sleep 0.1
done
echo "FIRST $("$PY" -c "$BROWSE" 127.0.0.1 127.0.0.1)"
ip link add fc-box type veth peer name fc-tablet
ip addr add 10.77.0.1/24 dev fc-box
ip addr add 10.77.0.2/24 dev fc-tablet
ip link set fc-box up
ip link set fc-tablet up
echo "SECOND $("$PY" -c "$BROWSE" 10.77.0.2 10.77.0.1)"
kill -TERM $server
wait $server || true
echo "AFTER $("$PY" -c "$BROWSE" 10.77.0.2 10.77.0.1 3)"
"""


def test_t13_mdns_is_found_in_a_private_namespace_and_follows_a_new_interface(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PY": sys.executable,
        "DATA": str(tmp_path),
        "BROWSE": BROWSE,
        "PORT": "8137",
        "PYTHONPATH": str(ROOT),
        "FLOORCRAFT_DATA_DIR": str(tmp_path),
        "FLOORCRAFT_PORT": "8137",
        "FLOORCRAFT_MDNS": "true",
        "FLOORCRAFT_MDNS_INTERFACES": "all",
        "FLOORCRAFT_MDNS_NAME": "Hall Box",
    }
    run = subprocess.run(
        ["unshare", "-n", "sh", "-c", NAMESPACE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    lines = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in run.stdout.splitlines() if " " in line}
    assert "FIRST" in lines, run.stdout + run.stderr + (tmp_path / "server.log").read_text()
    first = json.loads(lines["FIRST"])
    assert first is not None, (tmp_path / "server.log").read_text()
    assert first["name"].startswith("Hall Box ") and first["port"] == 8137
    assert first["txt"]["api"] == "/api" and first["txt"]["competition"] == "Hall Box" and first["txt"]["version"]
    second = json.loads(lines["SECOND"])
    assert second is not None and "10.77.0.1" in second["addresses"], (tmp_path / "server.log").read_text()
    assert json.loads(lines["AFTER"]) is None  # withdrawn when the box shuts down
