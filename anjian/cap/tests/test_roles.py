"""The roles as the warning pages need them: whoever signs warnings is not "read-only"."""

from anjian.accounts.permissions import role_can
from anjian.accounts.roles import Role
from anjian.cap import permissions as perms


def test_no_role_that_signs_warnings_is_labelled_read_only():
    signing = [role for role in Role if role_can(role, perms.WARNING_APPROVE)]
    assert Role.LEADER in signing
    assert not [role.label for role in signing if "只读" in str(role.label)]
