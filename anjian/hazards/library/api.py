"""/api/v1/hazard-standards — the major-hazard standards library for integrations.

Reads need hazard.view (or hazard.report: whoever records hazards picks their basis);
writes need hazard.standards. The library is the same for everyone; the enterprise a
suggestion is asked for must be in the caller's scope (404 otherwise).
"""

from datetime import date

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from anjian.core.access import api_requires
from anjian.core.api import FormInvalid, errors
from anjian.enterprises.models import Enterprise
from anjian.hazards import permissions as perms
from anjian.hazards.library import loader, selectors, services
from anjian.hazards.library.forms import ClauseForm

router = Router(tags=["重大事故隐患判定标准"])
READ = (perms.HAZARD_VIEW, perms.HAZARD_REPORT)


class DocumentRef(Schema):
    id: int
    code: str


class ClauseOut(Schema):
    id: int
    document: DocumentRef
    code: str = Field(description="条款编号，在本标准内唯一且不变，如 HG-05、DUST-03")
    article: str = Field(description="条款在标准中的位置")
    group: str = Field(description="分组；粉尘涉爆、涉氨制冷、有限空间只适用于有相应标记的单位")
    text: str = Field(description="判定情形（本平台的简述，以标准正式文本为准）")
    industry_codes: list[str] = Field(description="条款自身的适用行业；空为随标准")
    keywords: str
    sort_order: int
    is_active: bool
    citation: str = Field(description="引用写法：标准代号 + 条款位置")


class DocumentOut(Schema):
    id: int
    code: str = Field(description="标准代号，标识一个版本，如 GB 35181-2017")
    title: str
    edition: str
    domain: str = Field(description="chemical / industry_trade / construction / fire / other")
    domain_label: str
    issued_on: date | None
    effective_from: date | None
    superseded_by: DocumentRef | None = Field(description="替代本版本的新版本")
    industry_codes: list[str] = Field(description="适用的监管行业代码；空为所有行业")
    note: str = Field(description="收录范围、未收录部分与可信程度")
    is_active: bool
    clause_count: int = Field(description="启用的条款数")

    @staticmethod
    def resolve_domain_label(obj) -> str:
        return obj.get_domain_display()

    @staticmethod
    def resolve_clause_count(obj) -> int:
        active = getattr(obj, "clause_active", None)
        return active if active is not None else obj.clauses.filter(is_active=True).count()


class DocumentDetailOut(DocumentOut):
    clauses: list[ClauseOut] = Field(description="全部条款（含已停用的，见 is_active）")

    @staticmethod
    def resolve_clauses(obj):
        return obj.clauses.select_related("document").order_by("sort_order", "id")


class SuggestionOut(Schema):
    score: float = Field(description="相似度 0–1，越大越相近")
    clause: ClauseOut


class ClauseIn(Schema):
    code: str
    text: str
    article: str = ""
    group: str = ""
    industry_codes: list[str] = []
    keywords: str = ""
    sort_order: int = 0


class ClausePatch(Schema):
    """Only the fields to change; the code stays, and a cited clause's text stays."""

    article: str | None = None
    group: str | None = None
    text: str | None = None
    industry_codes: list[str] | None = None
    keywords: str | None = None
    sort_order: int | None = None
    is_active: bool | None = None


class ChangeOut(Schema):
    code: str
    action: str = Field(description="create 新增 / update 修改 / deactivate 停用")
    fields: list[str]


class ImportOut(Schema):
    dry_run: bool
    document_id: int | None = Field(description="导入后（或已存在）的标准 id；预览新标准时为空")
    document_code: str
    is_new: bool
    summary: str
    changes: list[ChangeOut] = Field(description="有变化的条款")
    unchanged: int


class SuggestQuery(Schema):
    enterprise_id: int | None = Field(
        None,
        description="单位 id（须在您的管辖范围内）；企业用户省略时为本单位；省略则在全部条款中推荐",
    )
    text: str = Field("", description="隐患描述")
    limit: int = Field(5, ge=1, le=20)


@router.get("/", response=list[DocumentOut], summary="判定标准列表（各版本及启用条款数）")
@api_requires(*READ)
def list_standards(request: HttpRequest):
    return list(selectors.document_list())


@router.get(
    "/suggest",
    response={200: list[SuggestionOut], **errors(404, 422)},
    summary="按隐患描述推荐判定条款",
)
@api_requires(*READ)
def suggest(request: HttpRequest, query: Query[SuggestQuery]):
    enterprise = None
    scoped = Enterprise.objects.for_user(request.user).select_related("industry")
    if query.enterprise_id is not None:
        enterprise = get_object_or_404(scoped, pk=query.enterprise_id)
    elif request.user.scope.enterprise_id:
        enterprise = scoped.filter(pk=request.user.scope.enterprise_id).first()
    return [
        {"score": score, "clause": clause}
        for clause, score in selectors.suggest_clauses(enterprise, query.text, limit=query.limit)
    ]


@router.get(
    "/clauses/{int:clause_id}", response={200: ClauseOut, **errors(404)}, summary="条款详情"
)
@api_requires(*READ)
def get_clause(request: HttpRequest, clause_id: int):
    return selectors.clause_get(clause_id)


@router.get(
    "/{int:document_id}",
    response={200: DocumentDetailOut, **errors(404)},
    summary="标准详情及其条款",
)
@api_requires(*READ)
def get_standard(request: HttpRequest, document_id: int):
    return selectors.document_get(document_id)


def _form_data(values: dict) -> dict:
    return {key: ("" if value is None else value) for key, value in values.items()}


@router.post(
    "/{int:document_id}/clauses",
    response={201: ClauseOut, **errors(404, 422)},
    summary="新增条款",
)
@api_requires(perms.HAZARD_STANDARDS)
def create_clause(request: HttpRequest, document_id: int, payload: ClauseIn):
    document = selectors.document_get(document_id)
    form = ClauseForm(_form_data(payload.dict()), document=document)
    if not form.is_valid():
        raise FormInvalid(form)
    clause = services.clause_create(by=request.user, document=document, data=form.service_data())
    return Status(201, selectors.clause_get(clause.pk))


@router.patch(
    "/clauses/{int:clause_id}",
    response={200: ClauseOut, **errors(404, 422)},
    summary="修改条款",
    description="只提交要修改的字段；已被隐患引用的条款不能修改 text（422，列出引用的隐患）。",
)
@api_requires(perms.HAZARD_STANDARDS)
def update_clause(request: HttpRequest, clause_id: int, payload: ClausePatch):
    clause = selectors.clause_get(clause_id)
    changes = payload.dict(exclude_unset=True)
    is_active = changes.pop("is_active", None)
    current = {
        name: getattr(clause, name)
        for name in ("code", "article", "group", "text", "industry_codes", "keywords", "sort_order")
    }
    form = ClauseForm(_form_data({**current, **changes}), instance=clause, document=clause.document)
    if not form.is_valid():
        raise FormInvalid(form)
    data = {name: form.cleaned_data[name] for name in changes}
    if is_active is not None:
        data["is_active"] = is_active
    services.clause_update(by=request.user, clause=clause, data=data)
    return Status(200, selectors.clause_get(clause_id))


@router.post(
    "/import",
    response={200: ImportOut, **errors(422)},
    summary="导入一个标准版本（JSON，格式同系统自带文件）",
    description=(
        "请求体为 anjian-standard/1 格式的 JSON（见 anjian/hazards/library/data/README.md）。"
        "标准代号已存在则更新该版本，否则新增；文件中没有的已有条款被停用；"
        "已被隐患引用的条款不能修改判定情形文字。?dry_run=true 只返回将发生的变化，不写入。"
        "有任何错误时整份不导入，422 逐条列出。"
    ),
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": {"type": "object"}}},
            "required": True,
        }
    },
)
@api_requires(perms.HAZARD_STANDARDS)
def import_standard(request: HttpRequest, dry_run: bool = False):
    try:
        payload = loader.parse_json(request.body)
        plan = loader.plan_import(payload) if dry_run else None
        if plan is not None and plan.problems:
            raise loader.StandardFileError(plan.problems)
        if plan is None:
            plan = loader.import_payload(payload, by=request.user)
    except loader.StandardFileError as error:
        detail = [
            {"loc": ["body"], "msg": str(problem), "type": "value_error"}
            for problem in error.problems
        ]
        return Status(422, {"detail": detail})
    return Status(
        200,
        {
            "dry_run": dry_run,
            "document_id": plan.document.pk if plan.document else None,
            "document_code": payload.document.code,
            "is_new": plan.is_new,
            "summary": plan.summary(),
            "changes": [
                {"code": change.code, "action": change.action, "fields": change.fields}
                for change in plan.changes
                if change.action != loader.UNCHANGED
            ],
            "unchanged": len(plan.of(loader.UNCHANGED)),
        },
    )
