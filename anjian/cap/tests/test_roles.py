"""The roles as the warning pages need them: whoever signs warnings is not "read-only"."""

import pytest

from anjian.accounts.permissions import role_can
from anjian.accounts.roles import Role
from anjian.cap import permissions as perms


@pytest.mark.xfail(
    strict=True,
    reason="anjian/accounts/roles.py labels the leader 领导（只读） (outside the CAP app: "
    "issue 11 item 14, reported to the lead); remove this mark when the label changes",
)
def test_no_role_that_signs_warnings_is_labelled_read_only():
    signing = [role for role in Role if role_can(role, perms.WARNING_APPROVE)]
    assert Role.LEADER in signing
    assert not [role.label for role in signing if "只读" in str(role.label)]
