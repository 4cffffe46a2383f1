# SPDX-License-Identifier: GPL-3.0-or-later
"""Masker: secrets masked in returned values as ansible-core's no_log masking does, whatever the number of secrets."""

from __future__ import annotations

from ansible.module_utils.common.parameters import remove_values

from ansible_collections.glassdome.mailcow.plugins.module_utils._runner import Masker


def test_a_whole_value_and_a_part_are_masked_as_ansible_core_masks_them() -> None:
    secrets = {"Pw-1", "s3cr3t", "x"}
    value = {"a": "Pw-1", "b": "user s3cr3t here", "c": ["keep", "also Pw-1"], "d": 5, "e": None, "f": True, "g": ("s3cr3t",)}
    assert Masker(secrets).value(value) == {
        "a": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "b": "user ******** here", "c": ["keep", "also ********"], "d": 5, "e": None, "f": True,
        "g": ["VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"],
    }
    # The same value through ansible-core's own masking, where each secret is distinct: the same answer.
    assert Masker({"Pw-1", "s3cr3t"}).value(value) == remove_values(value, {"Pw-1", "s3cr3t"})


def test_overlapping_and_adjacent_secrets_leave_no_character_of_either() -> None:
    masked = Masker({"abcd", "cdef", "gh"}).text("xxabcdefghyy")
    assert masked == "xx********yy"
    assert Masker({"ab", "cd"}).text("abcd-ab") == "********-********"


def test_numbers_containing_a_secret_are_masked_whole_and_keys_are_kept() -> None:
    masked = Masker({"1234", "key"}).value({"key": 981234, "n": 55, "f": 1.5})
    assert masked == {"key": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "n": 55, "f": 1.5}


def test_thousands_of_secrets_each_found_where_it_is() -> None:
    secrets = ["password-%05d" % n for n in range(5000)] + ["Ünï-%d/+\"" % n for n in range(50)]
    lines = ["user%05d has password-%05d!" % (n, n) for n in range(0, 5000, 7)] + ["Ünï-3/+\" and Ünï-49/+\""]
    masked = Masker(secrets).value(lines)
    assert masked[:2] == ["user00000 has ********!", "user00007 has ********!"]
    assert masked[-1] == "******** and ********"
    assert not any(secret in line for line in masked for secret in secrets)


def test_empty_and_missing_secrets_mask_nothing() -> None:
    assert Masker(["", None]).value({"a": "text", "b": [""]}) == {"a": "text", "b": [""]}
