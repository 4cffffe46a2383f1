# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's DKIM keys: what the recording cannot show (new keys are random on a real Mailcow)."""
from __future__ import annotations

import base64

import pytest

from conftest import Emulator


@pytest.mark.parametrize("bits,length", [(1024, "1024"), (2048, "2048"), (3072, "3072"), (4096, "4096"), (512, "1024")])
def test_key_size_reads_back_as_mailcow_guesses_it(emulator: Emulator, bits: int, length: str) -> None:
    """A fake key has the exact DER size of a real one, so get/dkim's length guess reads as on a real Mailcow."""
    emulator.request("POST", "/api/v1/add/domain", {"domain": "k.example", "key_size": bits, "dkim_selector": "s%d" % bits})
    got = emulator.request("GET", "/api/v1/get/dkim/k.example").json()
    assert (got["length"], got["dkim_selector"], got["privkey"]) == (length, "s%d" % bits, "")
    der = base64.b64decode(got["pubkey"])
    assert der[0] == 0x30 and der.endswith(b"\x02\x03\x01\x00\x01")  # an RSA SubjectPublicKeyInfo, e = 65537
    assert got["dkim_txt"] == "v=DKIM1;k=rsa;t=s;s=email;p=" + got["pubkey"]


def test_rotation_gives_a_new_key_and_keys_outlive_domains(emulator: Emulator) -> None:
    emulator.request("POST", "/api/v1/add/domain", {"domain": "r.example"})
    first = emulator.request("GET", "/api/v1/get/dkim/r.example").json()["pubkey"]
    assert emulator.request("POST", "/api/v1/delete/dkim", ["r.example"]).json()[0]["msg"] == ["dkim_removed", "r.example"]
    assert emulator.request("GET", "/api/v1/get/dkim/r.example").body == b"{}"
    emulator.request("POST", "/api/v1/add/dkim", {"domains": "r.example", "dkim_selector": "dkim", "key_size": 2048})
    second = emulator.request("GET", "/api/v1/get/dkim/r.example").json()["pubkey"]
    assert second != first and len(second) == len(first)
    emulator.request("POST", "/api/v1/delete/domain", ["r.example"])
    assert emulator.request("GET", "/api/v1/get/dkim/r.example").json()["pubkey"] == second
