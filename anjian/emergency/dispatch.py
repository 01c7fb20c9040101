"""调派: sending a team, a quantity of supplies, equipment, shelter places or an expert to
an incident, and each assignment's moves (出发 → 到场 → 撤离, or 取消).

Two dispatches of the last free team (or the last units of a supply, the last places of
a shelter) at the same moment cannot both win. Each dispatch locks the incident, then the
resource row, read through the user's scope, and checks it is available; and the change
itself is one conditional UPDATE that names the availability it needs (a team READY → its
DEPLOYED; a shelter's occupancy + q ≤ capacity; equipment's available ≥ q; a supply's
stock through ``services_resources.take_stock``): zero rows is a ``Conflict``. The partial
unique indexes on ``Assignment`` (one active assignment per team and per expert) refuse a
second one even if both checks were somehow passed.

Release and cancel give back what was not used up: the team stands ready again, unused
supplies return to stock (``return_stock``), equipment becomes available, a shelter's
people leave. Each step writes one command-log line and one ``AssignmentTransition``; the
resource's keepers are told of a dispatch after the commit.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.exceptions import Conflict, OutOfScope, ValidationError
from anjian.emergency import checks, geo, services_resources
from anjian.emergency import notices_incidents as notices
from anjian.emergency.choices import (
    EquipmentStatus,
    LogKind,
    Readiness,
    ResourceKind,
    ShelterStatus,
)
from anjian.emergency.lifecycle import ASSIGNMENT, INCIDENT
from anjian.emergency.models import (
    Assignment,
    AssignmentState,
    Equipment,
    Expert,
    Incident,
    RescueTeam,
    Shelter,
    Supply,
)
from anjian.emergency.selectors_incidents import incident_for_write
from anjian.emergency.services_incidents import write_log

MODELS = {
    ResourceKind.TEAM: RescueTeam,
    ResourceKind.SUPPLY: Supply,
    ResourceKind.EQUIPMENT: Equipment,
    ResourceKind.SHELTER: Shelter,
    ResourceKind.EXPERT: Expert,
}
SINGLE = {ResourceKind.TEAM, ResourceKind.EXPERT}  # sent whole: quantity 1
MOVES = ("depart", "arrive", "release", "cancel")
MAX_QUANTITY = 1_000_000  # units or people sent at once; more is a typing error
TEAM_TAKEN = gettext_lazy("该队伍已被调派或不在待命状态")


def _resource_for_write(by, kind: str, resource_id):
    """The resource through ``by``'s scope (RESOURCE_SCOPE), locked; else OutOfScope."""
    found = (
        MODELS[kind]
        .objects.for_user(by)
        .select_for_update(of=("self",))
        .filter(pk=resource_id)
        .first()
    )
    if found is None:
        raise OutOfScope(field="resource_id")
    return found


def _distance(incident: Incident, resource) -> float | None:
    if resource.latitude is None or resource.longitude is None:
        return None
    km = geo.distance_km(
        incident.latitude, incident.longitude, resource.latitude, resource.longitude
    )
    return round(km, 2)


def _bump(model) -> dict:
    changes = {"version": F("version") + 1}
    if hasattr(model, "updated_at"):
        changes["updated_at"] = timezone.now()
    return changes


def _label(kind: str, resource, quantity: int) -> str:
    if kind == ResourceKind.SUPPLY:
        return f"{resource.name} {quantity}{resource.unit}（{resource.warehouse.name}）"
    if kind == ResourceKind.SHELTER:
        return _("%(name)s（安置%(n)d人）") % {"name": resource.name, "n": quantity}
    if kind == ResourceKind.EQUIPMENT:
        return f"{resource.name} ×{quantity}"
    return str(resource)


# --- dispatch ---------------------------------------------------------------------------------


@transaction.atomic
def dispatch(
    by, *, incident_id: int, kind: str, resource_id: int, quantity=1, task: str = ""
) -> Assignment:
    """Send one resource to an open incident (see the module's docstring). ``quantity``:
    units of a supply or equipment, people for a shelter; 1 for a team or an expert."""
    incident = incident_for_write(by, incident_id)
    INCIDENT.check_operation(by, "dispatch", incident)
    if kind not in ResourceKind.values:
        raise ValidationError({"kind": _("请选择资源类型（队伍、物资、装备、避难场所、专家）")})
    kind = ResourceKind(kind)
    quantity = checks.quantity_of(quantity, maximum=MAX_QUANTITY)
    if kind in SINGLE and quantity != 1:
        raise ValidationError({"quantity": _("队伍和专家按1调派")})
    errors: dict = {}
    task = checks.text(task, "task", errors, limit=200)
    checks.raise_errors(errors)
    resource = _resource_for_write(by, kind, resource_id)
    assignment = Assignment(
        incident=incident,
        kind=kind,
        quantity=quantity,
        distance_km=_distance(incident, resource),
        task=task,
        dispatched_at=timezone.now(),
        dispatched_by=by,
        **{kind.value: resource},
    )
    TAKE[kind](by, resource, quantity, assignment)
    record = ASSIGNMENT.record_event(
        assignment,
        action="dispatch",
        by=by,
        to_state=AssignmentState.DISPATCHED,
        data={"kind": kind.value, "resource": resource.pk, "quantity": quantity},
    )
    text = _("调派%(kind)s：%(what)s") % {
        "kind": kind.label,
        "what": _label(kind, resource, quantity),
    }
    if assignment.distance_km is not None:
        text += _("，距离%(km).1f公里") % {"km": assignment.distance_km}
    if task:
        text += _("。任务：%(task)s") % {"task": task}
    write_log(
        incident,
        by=by,
        kind=LogKind.DISPATCH,
        text=text,
        event="assignment_dispatch",
        about="assignment",
        refs=[f"assignment:{record.pk}"],
        at=assignment.dispatched_at,
    )
    transaction.on_commit(lambda: notices.dispatched(assignment, by=by))
    return assignment


def _save(assignment: Assignment, taken: str) -> None:
    """Insert the assignment; the partial unique indexes refuse a second active one for a
    team or an expert (a savepoint keeps the transaction usable for the Conflict)."""
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise Conflict(str(taken)) from None


def _take_team(by, team: RescueTeam, quantity: int, assignment: Assignment) -> None:
    if not team.active or team.readiness != Readiness.READY:
        raise Conflict(str(TEAM_TAKEN))
    updated = RescueTeam.objects.filter(pk=team.pk, readiness=Readiness.READY, active=True).update(
        readiness=Readiness.DEPLOYED, **_bump(RescueTeam)
    )
    if not updated:
        raise Conflict(str(TEAM_TAKEN))
    _save(assignment, TEAM_TAKEN)


def _take_supply(by, supply: Supply, quantity: int, assignment: Assignment) -> None:
    if not supply.active:
        raise Conflict(_("该物资已停用"))
    if supply.expires_on and supply.expires_on < timezone.localdate():
        raise Conflict(_("该批物资已过有效期（%(d)s），不能调派") % {"d": supply.expires_on})
    if supply.quantity < quantity:
        raise Conflict(
            _("%(name)s库存不足：现有%(have)d%(unit)s，需调派%(want)d%(unit)s")
            % {"name": supply, "have": supply.quantity, "unit": supply.unit, "want": quantity}
        )
    assignment.save()
    services_resources.take_stock(by, supply=supply, quantity=quantity, assignment=assignment)


def _take_equipment(by, item: Equipment, quantity: int, assignment: Assignment) -> None:
    short = _("%(name)s可调用数量不足：现有%(have)d") % {"name": item.name, "have": item.available}
    if item.status != EquipmentStatus.USABLE:
        raise Conflict(_("该装备当前为“%(s)s”，不能调派") % {"s": item.get_status_display()})
    if item.available < quantity:
        raise Conflict(short)
    updated = Equipment.objects.filter(
        pk=item.pk, status=EquipmentStatus.USABLE, available__gte=quantity
    ).update(available=F("available") - quantity, **_bump(Equipment))
    if not updated:
        raise Conflict(short)
    assignment.save()


def _take_shelter(by, shelter: Shelter, quantity: int, assignment: Assignment) -> None:
    usable = (ShelterStatus.READY, ShelterStatus.OPEN)
    if shelter.status not in usable:
        raise Conflict(_("该避难场所当前为“%(s)s”，不能安置") % {"s": shelter.get_status_display()})
    full = _("%(name)s空余容量不足：可容纳%(cap)d人，已安置%(now)d人") % {
        "name": shelter.name,
        "cap": shelter.capacity,
        "now": shelter.occupancy,
    }
    if shelter.free_places < quantity:
        raise Conflict(full)
    updated = Shelter.objects.filter(
        pk=shelter.pk, status__in=usable, occupancy__lte=F("capacity") - quantity
    ).update(
        occupancy=F("occupancy") + quantity,
        status=ShelterStatus.OPEN,
        **_bump(Shelter),
    )
    if not updated:
        raise Conflict(full)
    assignment.save()


def _take_expert(by, expert: Expert, quantity: int, assignment: Assignment) -> None:
    taken = _("该专家已在其他事件中参与处置或暂不可参与")
    if not expert.available:
        raise Conflict(taken)
    if expert.assignments.filter(state__in=_ACTIVE).exists():
        raise Conflict(taken)
    _save(assignment, taken)


_ACTIVE = (AssignmentState.DISPATCHED, AssignmentState.EN_ROUTE, AssignmentState.ON_SCENE)
TAKE = {
    ResourceKind.TEAM: _take_team,
    ResourceKind.SUPPLY: _take_supply,
    ResourceKind.EQUIPMENT: _take_equipment,
    ResourceKind.SHELTER: _take_shelter,
    ResourceKind.EXPERT: _take_expert,
}


# --- the assignment's moves -------------------------------------------------------------------


def _assignment_for_write(by, assignment_id) -> tuple[Incident, Assignment]:
    incident_id = (
        Assignment.objects.filter(pk=assignment_id).values_list("incident_id", flat=True).first()
    )
    if incident_id is None:
        raise OutOfScope()
    incident = incident_for_write(by, incident_id)  # the incident first, as dispatch does
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("team", "supply__warehouse", "equipment", "shelter", "expert")
        .get(pk=assignment_id)
    )
    assignment.incident = incident
    return incident, assignment


@transaction.atomic
def assignment_move(
    by,
    *,
    assignment_id: int,
    expected_version: int | None,
    name: str,
    reason: str = "",
    returned=None,
) -> Assignment:
    """出发 (depart), 到场 (arrive), 撤离 (release) or 取消 (cancel, with a reason).

    On release, ``returned`` is what comes back: for a supply the units not used up
    (0 … quantity, default 0: all used), for a shelter the people who leave (default all).
    A cancel gives everything back in full."""
    if name not in MOVES:
        raise ValidationError({"name": _("请选择出发、到场、撤离或取消")})
    incident, assignment = _assignment_for_write(by, assignment_id)
    step = ASSIGNMENT.begin(by=by, obj=assignment, name=name, expected_version=expected_version)
    if step.replay:
        return step.obj
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if name == "cancel" and not reason:
        raise ValidationError({"reason": _("请写明取消调派的理由")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("不能超过%(n)d字") % {"n": 2000}})
    now = timezone.now()
    back = _given_back(assignment, name, returned)
    stamp = {"depart": "en_route_at", "arrive": "on_scene_at"}.get(name, "released_at")
    ASSIGNMENT.commit(step, by=by, values={stamp: now}, reason=reason, data={"returned": back})
    if name in ("release", "cancel"):
        _give_back(by, assignment, back)
    text = _("%(kind)s%(what)s%(move)s") % {
        "kind": assignment.get_kind_display(),
        "what": f"“{assignment.resource}”",
        "move": ASSIGNMENT.transition(name).label,
    }
    if back is not None and assignment.kind in (ResourceKind.SUPPLY, ResourceKind.SHELTER):
        text += _move_detail(assignment, back)
    if reason:
        text += _("。理由：%(r)s") % {"r": reason}
    write_log(
        incident,
        by=by,
        kind=LogKind.DISPATCH,
        text=text,
        event=f"assignment_{name}",
        about="assignment",
        refs=[f"assignment:{ASSIGNMENT.last_record(assignment).pk}"],
        at=now,
    )
    return assignment


def _given_back(assignment: Assignment, name: str, returned) -> int | None:
    """How much comes back on release or cancel (None on depart/arrive)."""
    given = returned not in (None, "")
    if name not in ("release", "cancel"):
        if given:
            raise ValidationError({"returned": _("只有撤离时登记归还数量")})
        return None
    if given:
        if name == "cancel":
            raise ValidationError({"returned": _("取消调派时全部归还，不填写数量")})
        if assignment.kind not in (ResourceKind.SUPPLY, ResourceKind.SHELTER):
            raise ValidationError({"returned": _("只有物资和避难场所登记归还或离开的数量")})
        number = checks.quantity_of(returned, name="returned", minimum=0, maximum=MAX_QUANTITY)
        if number > assignment.quantity:
            raise ValidationError(
                {"returned": _("不能超过调派数量%(n)d") % {"n": assignment.quantity}}
            )
        return number
    if name == "release" and assignment.kind == ResourceKind.SUPPLY:
        return 0  # released without a figure: all used up
    return assignment.quantity


def _give_back(by, assignment: Assignment, back: int) -> None:
    kind = assignment.kind
    if kind == ResourceKind.TEAM:
        RescueTeam.objects.filter(pk=assignment.team_id, readiness=Readiness.DEPLOYED).update(
            readiness=Readiness.READY, **_bump(RescueTeam)
        )
    elif kind == ResourceKind.SUPPLY and back:
        supply = Supply.objects.select_for_update().get(pk=assignment.supply_id)
        services_resources.return_stock(by, supply=supply, quantity=back, assignment=assignment)
    elif kind == ResourceKind.EQUIPMENT:
        # never above what the unit has (its quantity may have been lowered meanwhile)
        Equipment.objects.filter(pk=assignment.equipment_id).update(
            available=Least(F("available") + assignment.quantity, F("quantity")),
            **_bump(Equipment),
        )
    elif kind == ResourceKind.SHELTER and back:
        Shelter.objects.filter(pk=assignment.shelter_id, occupancy__gte=back).update(
            occupancy=F("occupancy") - back, **_bump(Shelter)
        )


def _move_detail(assignment: Assignment, back: int) -> str:
    if assignment.kind == ResourceKind.SUPPLY:
        return _("（消耗%(used)d，归还入库%(back)d）") % {
            "used": assignment.quantity - back,
            "back": back,
        }
    return _("（离开%(back)d人）") % {"back": back}


__all__ = ["assignment_move", "dispatch"]
