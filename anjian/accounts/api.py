"""/api/v1/me — who the caller is and what they may see."""

from django.http import HttpRequest
from ninja import Field, Router, Schema

from anjian.accounts import permissions as perms
from anjian.core.access import api_requires

router = Router(tags=["账号"])


class ScopeOut(Schema):
    label: str
    everything: bool
    region_prefix: str | None = Field(description="可见区划代码前缀")
    industry_ids: list[int] | None = Field(description="可见监管行业 id；null 为全部行业")
    enterprise_id: int | None = Field(description="企业用户：本单位 id")


class MeOut(Schema):
    username: str
    name: str
    role: str
    role_label: str
    scope: ScopeOut
    actions: list[str]


@router.get("/me", response=MeOut, summary="当前用户、角色与可见范围")
@api_requires(perms.PROFILE)
def me(request: HttpRequest):
    user = request.user
    scope = user.scope
    return {
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "role_label": user.get_role_display(),
        "scope": {
            "label": scope.label,
            "everything": scope.everything,
            "region_prefix": scope.region_prefix,
            "industry_ids": sorted(scope.industry_ids) if scope.industry_ids is not None else None,
            "enterprise_id": scope.enterprise_id,
        },
        "actions": sorted(perms.role_actions(user.role)),
    }
