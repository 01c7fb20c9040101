"""/api/v1/hazchem — 危险化学品目录 writes: add an entry, change one, retire and restore — an
administrator's (city-wide ``catalogue.manage``; any other role 403).

They are added to the hazchem router itself (``join``, called in api.py, where the
catalogue's reads are), not mounted as a router of their own: django-ninja answers a path
from one router only, so a second router's ``POST /chemicals`` beside the reads' ``GET
/chemicals`` would be 405.

Every write is a ``services_catalogue`` call: a refusal is 422 on the body's field (a bad
CAS check digit, a class the 目录 or GB 18218 does not use, a name another entry has, a
shipped table 1 row's name or CAS number), a stale ``version`` 409. A change of what GB
18218 reads of an entry (name, CAS number, table 1 row, table 2 classes) answers with
``reevaluation``: how many active units holding it were identified again and how many
changed grade — or, with many units, the id of the background job doing it."""

from collections.abc import Callable

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from anjian.core.access import api_requires
from anjian.core.api import errors
from anjian.hazchem import permissions as perms
from anjian.hazchem import services_catalogue as services
from anjian.hazchem.models import Chemical
from anjian.hazchem.schemas import (
    VERSION_HELP,
    HazchemChemicalOut,
    HazchemStrictIn,
    HazchemVersionIn,
    named_fields,
)

CATALOGUE = ["危险化学品目录"]
OPERATIONS: list[tuple[str, str, dict, Callable]] = []


def operation(method: str, path: str, **options):
    """Declare an operation for ``join`` (as ``router.post(path, …)`` would)."""

    def declare(view):
        OPERATIONS.append((method, path, options, view))
        return view

    return declare


def join(router: Router) -> None:
    """Add the catalogue's writes to ``router`` (the one holding its reads)."""
    for method, path, options, view in OPERATIONS:
        router.add_api_operation(path, [method], view, tags=CATALOGUE, **options)


CLASSES_HELP = 'GB 18218 表2类别代码，如 ["W5.3"]（表1未列名时定Q；不在表3中的定β）'
SHIPPED_HELP = "随平台提供的表1条目不能修改品名、别名、CAS号和表1行号（422）。"


class HazchemChemicalFieldsIn(HazchemStrictIn):
    aliases: str | None = Field(None, description="别名，多个用顿号分隔")
    cas: str | None = Field(None, description="CAS号（核对校验位）")
    un_number: str | None = Field(None, description="UN号（4位数字）")
    catalogue_number: int | None = Field(None, description="《危险化学品目录》序号")
    ghs_classes: str | None = Field(None, description="危险性类别（GHS，多个用分号分隔）")
    gb18218_classes: list[str] | None = Field(None, description=CLASSES_HELP)
    table1_row: int | None = Field(None, description="GB 18218 表1行号（该条目是表1某行时）")
    highly_toxic: bool | None = Field(None, description="剧毒")
    explosive_precursor: bool | None = Field(None, description="易制爆")
    drug_precursor: bool | None = Field(None, description="易制毒")
    key_supervised: bool | None = Field(None, description="重点监管")
    special_control: bool | None = Field(None, description="特别管控")


class HazchemChemicalIn(HazchemChemicalFieldsIn):
    name: str = Field(description="品名（目录中唯一）")


class HazchemChemicalUpdateIn(HazchemChemicalFieldsIn):
    version: int = Field(description=VERSION_HELP)
    name: str | None = None


class HazchemCatalogueEntryOut(HazchemChemicalOut):
    active: bool = Field(description="有效（false：已停用）")


class HazchemReevaluationOut(Schema):
    units: int = Field(description="登记了该化学品的在用单元数")
    regraded: int = Field(description="其中级别（或是否构成重大危险源）变化的单元数")
    failed: int = Field(description="其中无法辨识的单元数（单元的 evaluation_error 说明原因）")
    job_id: int | None = Field(description="单元较多时在后台重新辨识：后台任务 id")

    @staticmethod
    def resolve_job_id(obj) -> int | None:
        return obj.job.pk if obj.job is not None else None


class HazchemChemicalChangeOut(Schema):
    chemical: HazchemCatalogueEntryOut
    reevaluation: HazchemReevaluationOut


def _data(payload: Schema, *, unset: bool) -> dict:
    data = payload.dict(exclude_unset=unset)
    data.pop("version", None)
    if not unset:
        data = {name: value for name, value in data.items() if value is not None}
    return data


def _read(chemical_id: int) -> Chemical:
    return get_object_or_404(Chemical, pk=chemical_id)


@operation(
    "POST",
    "/chemicals",
    response={201: HazchemChemicalChangeOut, **errors(403, 422)},
    summary="新增危险化学品（管理员）",
    description="品名必填且唯一；CAS号核对校验位；与GB 18218表1的品名、CAS号须一致。",
)
@api_requires(perms.CATALOGUE_MANAGE)
@named_fields
def create_chemical(request: HttpRequest, payload: HazchemChemicalIn):
    change = services.chemical_create(request.user, data=_data(payload, unset=False))
    return Status(201, change)


@operation(
    "PATCH",
    "/chemicals/{int:chemical_id}",
    response={200: HazchemChemicalChangeOut, **errors(403, 404, 409, 422)},
    summary="修改危险化学品（管理员）",
    description="只修改提交的字段；带读取时的 version。"
    + SHIPPED_HELP
    + "品名、CAS号、表1行号或表2类别变化时，登记了该化学品的在用单元随即重新辨识分级。",
)
@api_requires(perms.CATALOGUE_MANAGE)
@named_fields
def update_chemical(request: HttpRequest, chemical_id: int, payload: HazchemChemicalUpdateIn):
    _read(chemical_id)
    return services.chemical_update(
        request.user,
        chemical_id=chemical_id,
        expected_version=payload.version,
        data=_data(payload, unset=True),
    )


@operation(
    "POST",
    "/chemicals/{int:chemical_id}/retire",
    response={200: HazchemCatalogueEntryOut, **errors(403, 404, 409, 422)},
    summary="停用危险化学品（管理员；记录保留）",
    description="带 version；在用单元登记了的、随平台提供的表1条目不能停用（422）。",
)
@api_requires(perms.CATALOGUE_MANAGE)
def retire_chemical(request: HttpRequest, chemical_id: int, payload: HazchemVersionIn):
    _read(chemical_id)
    return services.chemical_retire(
        request.user, chemical_id=chemical_id, expected_version=payload.version
    )


@operation(
    "POST",
    "/chemicals/{int:chemical_id}/restore",
    response={200: HazchemCatalogueEntryOut, **errors(403, 404, 409, 422)},
    summary="恢复已停用的危险化学品（管理员）",
)
@api_requires(perms.CATALOGUE_MANAGE)
def restore_chemical(request: HttpRequest, chemical_id: int, payload: HazchemVersionIn):
    _read(chemical_id)
    return services.chemical_restore(
        request.user, chemical_id=chemical_id, expected_version=payload.version
    )
