"""/api/v1/enforcement-documents — the 文书台账 for integrations: every numbered enforcement
document in scope, its SHA-256 (the same that is on the 执法全过程记录) and the .docx."""

from datetime import datetime

from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from anjian.core.access import api_requires
from anjian.core.api import errors
from anjian.core.exceptions import ValidationError
from anjian.core.pagination import paginate
from anjian.inspections import documents, selectors
from anjian.inspections import permissions as perms
from anjian.inspections.record_models import DocumentKind

router = Router(tags=["执法文书"])


class EnforcementDocumentOut(Schema):
    id: int
    kind: str = Field(
        description="文书种类：" + "、".join(f"{v} {label}" for v, label in DocumentKind.choices)
    )
    kind_label: str = Field(description="文书名称")
    number: str = Field(description="文书编号，如（杨浦）应急检〔2026〕15号")
    year: int = Field(description="编号年度")
    serial: int = Field(description="部门、种类、年度内的序号（连续，无空号）")
    department_id: int = Field(description="制作部门 id")
    enterprise_id: int = Field(description="当事单位 id")
    enterprise_name: str = Field(alias="enterprise.name")
    inspection_id: int | None = Field(description="来源现场检查 id")
    case_id: int | None = Field(description="来源处罚案件 id")
    sha256: str = Field(description="文件的 SHA-256，与执法全过程记录中的一致")
    issued_by_id: int = Field(description="制作人 id")
    issued_at: datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class EnforcementDocumentFilters(Schema):
    kind: str | None = Field(None, description="文书种类")
    year: int | None = Field(None, description="编号年度")
    enterprise: int | None = Field(None, description="当事单位 id")
    inspection: int | None = Field(None, description="现场检查 id")
    case: int | None = Field(None, description="处罚案件 id")


@router.get("/", response=list[EnforcementDocumentOut], summary="执法文书台账（分页）")
@api_requires(perms.INSPECTION_VIEW)
@paginate(page_size=50)
def list_documents(request: HttpRequest, filters: Query[EnforcementDocumentFilters]):
    found = selectors.documents(request.user)
    if filters.kind is not None:
        if filters.kind not in DocumentKind.values:
            raise ValidationError({"kind": "未知的文书种类"})
        found = found.filter(kind=filters.kind)
    for name in ("year", "enterprise", "inspection", "case"):
        value = getattr(filters, name)
        if value is not None:
            found = found.filter(**{name if name == "year" else f"{name}_id": value})
    return found


@router.get(
    "/{int:enforcement_document_id}",
    response={200: EnforcementDocumentOut, **errors(404)},
    summary="执法文书详情",
)
@api_requires(perms.INSPECTION_VIEW)
def get_document(request: HttpRequest, enforcement_document_id: int):
    return get_object_or_404(selectors.documents(request.user), pk=enforcement_document_id)


@router.get(
    "/{int:enforcement_document_id}/file",
    response={200: None, **errors(404)},
    summary="下载文书（.docx）",
)
@api_requires(perms.INSPECTION_VIEW)
def get_document_file(request: HttpRequest, enforcement_document_id: int):
    document = get_object_or_404(selectors.documents(request.user), pk=enforcement_document_id)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=documents.download_name(document),
        content_type=documents.CONTENT_TYPE,
    )
