"""The workflow kernel: every lifecycle is declared as data here and run the same way.

An app declares its lifecycle once (``<app>/lifecycle.py``)::

    HAZARD = Lifecycle(
        name="hazard", label=_("隐患"), model=Hazard, record=HazardTransition,
        record_fk="hazard", states=State, initial=State.REPORTED,
        transitions=[Transition("register", _("上账"), {State.REPORTED}, State.REGISTERED,
                                action="hazard.rectify", guards=(...,)), ...],
        operations=[Operation("extension", _("申请延期"), action=..., states=..., guards=...)],
    )

and its services run each transition in two steps inside their transaction::

    step = HAZARD.begin(by=user, obj=hazard, name="register", expected_version=version)
    if step.replay:            # the same person sent the same transition twice
        return step.obj
    ...validate, fill fields...
    HAZARD.commit(step, by=user, values={"deadline": ...}, effects=[send_sms])

What the kernel guarantees, for every lifecycle:

- **who may**: the role-map action (``user.can``), then the transition's guards (each
  returns the Chinese reason it refuses, or None) → ``NotPermitted`` with that reason;
- **where from**: a transition from a state not in its sources is a ``Conflict`` that
  names the current state — unless the same user's last transition was this very one
  (a double submit), which *replays*: the caller gets the object as it is, not an error;
- **compare-and-set**: one conditional UPDATE on (pk, state, version); zero rows means
  someone else was first → ``Conflict`` with the state they left it in;
- **the record**: one row of the lifecycle's ``TransitionRecord`` (who, when, from, to,
  reason, data) per transition, and ``record_event`` for what is not a transition;
- **side effects after commit**: ``effects`` are queued with ``transaction.on_commit``
  (texts, messages — nothing leaves the process before the commit);
- **what a user may do now**: ``available(user, obj)`` lists the transitions and
  operations the user may take on the object in its state, for pages and the API;
- **documentation**: ``mermaid()`` draws the state diagram; ``anjian lifecycles`` writes
  docs/lifecycles.md from every declared lifecycle, and a test keeps it current.
"""

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, NotPermitted

# A guard looks at the acting user and the object and returns why it refuses (in Chinese,
# for the user) or None when it does not: *who* may (refused → NotPermitted, 403).
Guard = Callable[[Any, Any], str | None]
# A condition looks at the object alone: whether it can be done *now*, whoever asks
# (refused → Conflict, 409 — like a state that does not allow it).
Condition = Callable[[Any], str | None]

LIFECYCLES: dict[str, "Lifecycle"] = {}


@dataclass(frozen=True)
class Transition:
    """A change of state: from any of ``sources`` to ``target`` when every condition
    holds, by whoever has ``action`` and passes every guard. ``internal`` transitions are
    steps of another service (never offered to a user); ``needs_reason`` ones are refused
    without a reason by the forms and services; ``required`` names the fields a user must
    fill (docs, forms, API)."""

    name: str
    label: str
    sources: frozenset[str]
    target: str
    action: str
    guards: tuple[Guard, ...] = ()
    conditions: tuple[Condition, ...] = ()
    needs_reason: bool = False
    internal: bool = False
    required: tuple[str, ...] = ()
    who: str = ""  # who may, in words, for the generated docs (the guards in prose)

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))


@dataclass(frozen=True)
class Operation:
    """Something a user does to an object that is not a change of its state (ask for more
    time, urge, list for supervision, add a note): offered like a transition, in
    ``states`` when every condition holds, to whoever has ``action`` and passes every
    guard."""

    name: str
    label: str
    action: str
    states: frozenset[str]
    guards: tuple[Guard, ...] = ()
    conditions: tuple[Condition, ...] = ()
    who: str = ""

    def __post_init__(self):
        object.__setattr__(self, "states", frozenset(self.states))


@dataclass
class Step:
    """A transition under way: ``begin`` checked it, ``commit`` writes it."""

    lifecycle: "Lifecycle"
    obj: Any
    transition: Transition | None
    from_state: str
    replay: bool = False


@dataclass
class Action:
    """One thing a user may do now (for buttons and the API's ``actions``)."""

    name: str
    label: str
    kind: str  # "transition" or "operation"
    needs_reason: bool = False


def _unmet(conditions: Iterable[Condition], obj) -> str | None:
    for condition in conditions:
        reason = condition(obj)
        if reason:
            return str(reason)
    return None


def _refusal(user, action: str, guards: Iterable[Guard], obj) -> str | None:
    if not user.can(action):
        return str(_("您的角色无权执行此操作"))
    for guard in guards:
        reason = guard(user, obj)
        if reason:
            return str(reason)
    return None


@dataclass
class Lifecycle:
    name: str
    label: str
    model: type[models.Model]
    record: type[models.Model]
    record_fk: str
    states: type[models.TextChoices]
    initial: str
    transitions: list[Transition]
    operations: list[Operation] = field(default_factory=list)
    events: dict[str, str] = field(default_factory=dict)  # timeline labels of other events
    state_field: str = "state"

    def __post_init__(self):
        self.by_name = {t.name: t for t in self.transitions}
        self.operations_by_name = {o.name: o for o in self.operations}
        if len(self.by_name) != len(self.transitions):
            raise ValueError(f"{self.name}: two transitions share a name")
        states = set(self.states.values)
        for t in self.transitions:
            unknown = (t.sources | {t.target}) - states
            if unknown:
                raise ValueError(f"{self.name}.{t.name}: unknown states {sorted(unknown)}")
        LIFECYCLES[self.name] = self

    # --- the table -----------------------------------------------------------------------

    def transition(self, name: str) -> Transition:
        return self.by_name[name]

    def allowed_from(self, state: str) -> list[Transition]:
        """The transitions a user could ask for in ``state`` (internal ones left out)."""
        return [t for t in self.transitions if state in t.sources and not t.internal]

    def labels(self) -> dict[str, str]:
        """Timeline labels: every transition, operation and other event by its name."""
        return {
            **self.events,
            **{o.name: o.label for o in self.operations},
            **{t.name: t.label for t in self.transitions},
        }

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_field)

    # --- who may do what now -------------------------------------------------------------

    def refusal(self, user, transition: Transition | str, obj) -> str | None:
        """Why ``user`` may not run ``transition`` on ``obj`` as it is (role and guards;
        not the state, not the scope), or None."""
        if isinstance(transition, str):
            transition = self.by_name[transition]
        return _refusal(user, transition.action, transition.guards, obj)

    def may(self, user, transition: Transition | str, obj) -> bool:
        """Whether ``user`` may run ``transition`` on ``obj`` now (its state included)."""
        if isinstance(transition, str):
            transition = self.by_name[transition]
        return (
            self.state_of(obj) in transition.sources
            and _unmet(transition.conditions, obj) is None
            and self.refusal(user, transition, obj) is None
        )

    def may_operate(self, user, operation: Operation | str, obj) -> bool:
        if isinstance(operation, str):
            operation = self.operations_by_name[operation]
        return (
            self.state_of(obj) in operation.states
            and _unmet(operation.conditions, obj) is None
            and _refusal(user, operation.action, operation.guards, obj) is None
        )

    def check_operation(self, user, name: str, obj) -> None:
        """For an operation's service: NotPermitted with the reason, or Conflict when the
        object's state does not allow it."""
        operation = self.operations_by_name[name]
        reason = _refusal(user, operation.action, operation.guards, obj)
        if reason:
            raise NotPermitted(reason)
        if self.state_of(obj) not in operation.states:
            raise self.conflict(obj, str(operation.label))
        unmet = _unmet(operation.conditions, obj)
        if unmet:
            raise Conflict(unmet, state=self.state_of(obj), state_label=self.state_label(obj))

    def available(self, user, obj) -> list[Action]:
        """What ``user`` may do to ``obj`` now, transitions first, in declaration order."""
        found = [
            Action(t.name, str(t.label), "transition", t.needs_reason)
            for t in self.allowed_from(self.state_of(obj))
            if _unmet(t.conditions, obj) is None and self.refusal(user, t, obj) is None
        ]
        found += [
            Action(o.name, str(o.label), "operation")
            for o in self.operations
            if self.may_operate(user, o, obj)
        ]
        return found

    # --- running a transition ------------------------------------------------------------

    def state_label(self, obj) -> str:
        state = self.state_of(obj)
        return str(self.states(state).label) if state in self.states.values else state

    def conflict(self, obj, doing: str = "") -> Conflict:
        state = self.state_of(obj)
        label = self.state_label(obj)
        message = (
            _("%(what)s当前为“%(state)s”，不能%(t)s。请刷新页面查看最新情况。")
            % {"what": self.label, "state": label, "t": doing}
            if doing
            else None
        )
        return Conflict(message, state=state, state_label=label)

    def last_record(self, obj):
        return self.record.objects.filter(**{self.record_fk: obj}).order_by("-at", "-id").first()

    def begin(self, *, by, obj, name: str, expected_version: int | None) -> Step:
        """Check ``name`` for ``by`` on ``obj`` (loaded through the user's scope, ideally
        locked): the role, the state (or a replay of the same user's last transition),
        the guards, the version. Raises NotPermitted or Conflict."""
        transition = self.by_name[name]
        if not by.can(transition.action):
            raise NotPermitted()
        state = self.state_of(obj)
        if state not in transition.sources:
            last = self.last_record(obj)
            if (
                state == transition.target
                and last is not None
                and last.action == name
                and last.by_id == by.pk
            ):
                return Step(self, obj, transition, state, replay=True)
            raise self.conflict(obj, str(transition.label))
        unmet = _unmet(transition.conditions, obj)
        if unmet:
            raise Conflict(unmet, state=state, state_label=self.state_label(obj))
        for guard in transition.guards:
            reason = guard(by, obj)
            if reason:
                raise NotPermitted(reason)
        if expected_version is not None and obj.version != expected_version:
            raise self.conflict(obj)
        return Step(self, obj, transition, state)

    def internal(self, obj, name: str) -> Step:
        """A step another service takes as part of its own (no user asked for it, so no
        role or guard applies); the state must still allow it."""
        transition = self.by_name[name]
        state = self.state_of(obj)
        if state not in transition.sources:
            raise self.conflict(obj, str(transition.label))
        return Step(self, obj, transition, state)

    def commit(
        self,
        step: Step,
        *,
        by,
        values: dict | None = None,
        reason: str = "",
        data: dict | None = None,
        effects: Iterable[Callable[[], None]] = (),
    ):
        """Compare-and-set the state (with ``values``), write the record, queue the side
        effects for after the commit. Returns the object, updated."""
        obj, transition = step.obj, step.transition
        values = dict(values or {})
        changes = {self.state_field: transition.target, "version": F("version") + 1, **values}
        if hasattr(obj, "updated_at"):
            changes["updated_at"] = timezone.now()
        updated = self.model.objects.filter(
            pk=obj.pk, **{self.state_field: step.from_state, "version": obj.version}
        ).update(**changes)
        if updated == 0:
            current = self.model.objects.filter(pk=obj.pk).first() or obj
            raise self.conflict(current)
        for name, value in values.items():
            setattr(obj, name, value)
        setattr(obj, self.state_field, transition.target)
        obj.version += 1
        if "updated_at" in changes:
            obj.updated_at = changes["updated_at"]
        self.record_event(
            obj,
            action=transition.name,
            by=by,
            from_state=step.from_state,
            to_state=transition.target,
            reason=reason,
            data=data,
        )
        for effect in effects:
            transaction.on_commit(effect)
        return obj

    def record_event(
        self,
        obj,
        *,
        action: str,
        by=None,
        from_state: str = "",
        to_state: str = "",
        reason: str = "",
        data: dict | None = None,
        at=None,
    ):
        """A line of the object's timeline that is not a transition (or is one)."""
        return self.record.objects.create(
            **{self.record_fk: obj},
            action=action,
            by=by,
            from_state=from_state,
            to_state=to_state,
            reason=reason or "",
            data=data or {},
            at=at or timezone.now(),
        )

    # --- documentation -------------------------------------------------------------------

    def mermaid(self) -> str:
        """The state diagram (Mermaid ``stateDiagram-v2``), internal steps dashed."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.initial}"]
        for value, label in self.states.choices:
            lines.append(f"    {value}: {value} {label}")
        for t in self.transitions:
            for source in sorted(t.sources):
                note = "（内部）" if t.internal else ""
                lines.append(f"    {source} --> {t.target}: {t.name} {t.label}{note}")
        ends = set(self.states.values) - {s for t in self.transitions for s in t.sources}
        for state in sorted(ends):
            lines.append(f"    {state} --> [*]")
        return "\n".join(lines)

    def table(self) -> str:
        """Who may do what, from where, as a Markdown table."""
        rows = [
            "| transition | from | to | action | who may / guards |",
            "| --- | --- | --- | --- | --- |",
        ]
        for t in self.transitions:
            sources = "、".join(str(self.states(s).label) for s in sorted(t.sources))
            who = t.who or ("（由其他步骤触发）" if t.internal else "")
            if t.needs_reason:
                who = f"{who}；须填写原因" if who else "须填写原因"
            rows.append(
                f"| `{t.name}` {t.label} | {sources} | {self.states(t.target).label} | "
                f"`{t.action}` | {who} |"
            )
        for o in self.operations:
            states = "、".join(str(self.states(s).label) for s in sorted(o.states))
            rows.append(
                f"| `{o.name}` {o.label}（不改状态） | {states} | — | `{o.action}` | {o.who} |"
            )
        return "\n".join(rows)


def autodiscover() -> dict[str, Lifecycle]:
    """Import every installed app's ``lifecycle`` module; the lifecycles by name."""
    for config in apps.get_app_configs():
        if not config.name.startswith("anjian."):
            continue
        try:
            importlib.import_module(f"{config.name}.lifecycle")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.lifecycle":
                raise
    return dict(sorted(LIFECYCLES.items()))


def document() -> str:
    """docs/lifecycles.md: every lifecycle's diagram and table, generated."""
    parts = [
        "# Lifecycles",
        "",
        "Generated by `anjian lifecycles --write` from the declarations in "
        "`anjian/<app>/lifecycle.py` (the workflow kernel, `anjian/core/workflow.py`). "
        "Do not edit by hand: a test fails when this file and the code disagree.",
    ]
    for lifecycle in autodiscover().values():
        parts += [
            "",
            f"## {lifecycle.label}（`{lifecycle.name}`）",
            "",
            "```mermaid",
            lifecycle.mermaid(),
            "```",
            "",
            lifecycle.table(),
        ]
    return "\n".join(parts) + "\n"
