"""The declarative dialog engine: dialogs are data (a list of steps); this walks them.

A dialog is a sequence of steps. ``Choose`` offers a list (paginated to the channel's screen
size with ``98`` more / ``0`` back), ``Ask`` takes free input through a parser, ``Confirm``
asks yes/no, and ``Run`` calls the domain services and gives the final answer. Collected
values live in the conversation's state, so a channel with sessions (USSD) or without (SMS)
resumes the same way, and a value given up front (``BUY DATA-DAY-1GB`` by SMS, a PIN dialled
as ``*123*PIN#``) skips its step.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from core.clock import Clock
from core.events import EventBus
from crm.conversations.identify import Caller
from crm.conversations.messages import Inbound, Reply
from crm.conversations.state import ConversationRecord
from crm.i18n.catalogs import translate
from crm.i18n.formats import Formats

MORE, BACK = "98", "0"
YES_WORDS = {"1", "yes", "y", "ndiyo", "ndio"}
NO_WORDS = {"2", "no", "n", "hapana"}


class Invalid(Exception):
    """Input a step cannot take; the step is shown again under this message key."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


@dataclass
class Context:
    """What a step sees: the collaborators, the caller and the values collected so far."""

    session: Session
    clock: Clock
    events: EventBus
    inbound: Inbound
    caller: Caller
    conversation: ConversationRecord
    config: Any  # crm.selfservice.service.SelfService: currency, secrets, collaborators
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def language(self) -> str:
        return self.conversation.language

    def t(self, key: str, **values) -> str:
        return translate(self.language, key, **values)

    @property
    def fmt(self) -> Formats:
        """Amounts and dates as this caller reads them, in the operator's country and time zone."""
        return Formats(self.language, self.config.region, self.config.timezone)


Choices = Callable[[Context], list[tuple[str, str]]]  # (value, label)


@dataclass(frozen=True)
class Choose:
    name: str
    prompt: str  # message key
    choices: Choices


@dataclass(frozen=True)
class Ask:
    name: str
    prompt: str
    parse: Callable[[Context, str], Any]  # raises Invalid


@dataclass(frozen=True)
class Confirm:
    name: str
    prompt: Callable[[Context], str]


@dataclass(frozen=True)
class Run:
    action: Callable[[Context], str]


Step = Choose | Ask | Confirm | Run


@dataclass(frozen=True)
class Dialog:
    name: str  # also its menu label key: "dialog.<name>"
    steps: tuple[Step, ...]
    available: Callable[[Context], bool] = lambda ctx: True


@dataclass(frozen=True)
class Screen:
    header: str
    choices: tuple[tuple[str, str], ...] = ()
    final: bool = False


class Engine:
    """Walks ``dialogs`` for one conversation. ``limit`` is the channel's screen size (USSD)."""

    def __init__(self, dialogs: tuple[Dialog, ...], *, title: Callable[[Context], str]):
        self.dialogs = {d.name: d for d in dialogs}
        self.order = dialogs
        self.title = title

    # -- the menu ----------------------------------------------------------------------

    def menu(self, ctx: Context) -> list[Dialog]:
        return [d for d in self.order if d.available(ctx)]

    def start(self, ctx: Context, name: str, values: dict[str, Any] | None = None, *, limit: int | None) -> Reply:
        """Open dialog ``name`` directly (an SMS keyword, a shortcut), with values already known."""
        state = {"dialog": name, "step": 0, "values": dict(values or {}), "page": 0}
        return self._advance(ctx, state, limit)

    def handle(self, ctx: Context, text: str, *, limit: int | None) -> Reply:
        """One input in the current conversation (``""`` on the first hop shows the menu)."""
        state = dict(ctx.conversation.state or {})
        text = (text or "").strip()
        if state.get("dialog") and state["dialog"] not in self.dialogs:
            # A dialog the operator has since switched off: the conversation starts over.
            state = {"dialog": None, "page": 0}
            text = ""
        if not state.get("dialog"):
            return self._menu_input(ctx, state, text, limit)
        dialog = self.dialogs[state["dialog"]]
        ctx.values = state["values"]
        step = dialog.steps[state["step"]]
        if text == BACK and not (isinstance(step, Choose) and state.get("page")):
            return self._back(ctx, state, limit)
        try:
            if isinstance(step, Choose):
                options = step.choices(ctx)
                if text == MORE:
                    state["page"] = state.get("page", 0) + 1
                    return self._show(ctx, state, self._screen(ctx, step), limit)
                if text == BACK:
                    state["page"] = max(0, state.get("page", 0) - 1)
                    return self._show(ctx, state, self._screen(ctx, step), limit)
                state["values"][step.name] = _pick(options, text)
            elif isinstance(step, Ask):
                state["values"][step.name] = step.parse(ctx, text)
            elif isinstance(step, Confirm):
                word = text.lower()
                if word in NO_WORDS:
                    return self._finish(ctx, state, ctx.t("confirm.cancelled"))
                if word not in YES_WORDS:
                    raise Invalid("menu.invalid")
                state["values"][step.name] = True
        except Invalid as error:
            screen = self._screen(ctx, step)
            prefix = ctx.t(error.key, **error.values)
            return self._show(ctx, state, Screen(f"{prefix}\n{screen.header}", screen.choices), limit)
        state["step"] += 1
        state["page"] = 0
        return self._advance(ctx, state, limit)

    def _menu_input(self, ctx: Context, state: dict, text: str, limit: int | None) -> Reply:
        dialogs = self.menu(ctx)
        options = [(d.name, ctx.t(f"dialog.{d.name}")) for d in dialogs]
        if text == MORE:
            state["page"] = state.get("page", 0) + 1
        elif text == BACK:
            state["page"] = max(0, state.get("page", 0) - 1)
        elif text:
            try:
                return self.start(ctx, _pick(options, text), limit=limit)
            except Invalid:
                return self._show(ctx, state, Screen(f"{ctx.t('menu.invalid')}\n{self.title(ctx)}",
                                                     tuple(options)), limit)
        return self._show(ctx, {**state, "dialog": None}, Screen(self.title(ctx), tuple(options)), limit)

    def _back(self, ctx: Context, state: dict, limit: int | None) -> Reply:
        dialog = self.dialogs[state["dialog"]]
        step = state["step"] - 1
        while step >= 0 and isinstance(dialog.steps[step], Run):
            step -= 1
        if step < 0:
            return self._menu_input(ctx, {"dialog": None, "page": 0}, "", limit)
        state["values"].pop(getattr(dialog.steps[step], "name", ""), None)
        state.update(step=step, page=0)
        return self._show(ctx, state, self._screen(ctx, dialog.steps[step]), limit)

    # -- walking -----------------------------------------------------------------------

    def _advance(self, ctx: Context, state: dict, limit: int | None) -> Reply:
        dialog = self.dialogs[state["dialog"]]
        ctx.values = state["values"]
        while state["step"] < len(dialog.steps):
            step = dialog.steps[state["step"]]
            if isinstance(step, Run):
                return self._finish(ctx, state, step.action(ctx))
            if step.name in state["values"]:
                preset = state["values"].pop(step.name)
                try:  # a value given up front is checked as if typed
                    if isinstance(step, Choose):
                        state["values"][step.name] = _pick(step.choices(ctx), str(preset), by_value=True)
                    elif isinstance(step, Ask):
                        state["values"][step.name] = step.parse(ctx, str(preset))
                    else:
                        state["values"][step.name] = preset
                except Invalid as error:
                    screen = self._screen(ctx, step)
                    return self._show(ctx, state, Screen(f"{ctx.t(error.key, **error.values)}\n{screen.header}",
                                                         screen.choices), limit)
                state["step"] += 1
                continue
            return self._show(ctx, state, self._screen(ctx, step), limit)
        return self._finish(ctx, state, "")

    def _screen(self, ctx: Context, step: Step) -> Screen:
        if isinstance(step, Choose):
            return Screen(ctx.t(step.prompt), tuple(step.choices(ctx)))
        if isinstance(step, Ask):
            return Screen(ctx.t(step.prompt))
        if isinstance(step, Confirm):
            return Screen(step.prompt(ctx), (("yes", ctx.t("confirm.yes")), ("no", ctx.t("confirm.no"))))
        raise TypeError(f"{step!r} has no screen")

    def _show(self, ctx: Context, state: dict, screen: Screen, limit: int | None) -> Reply:
        text, page = render(ctx, screen, state.get("page", 0), limit, in_dialog=bool(state.get("dialog")))
        state["page"] = page
        ctx.conversation.state = dict(state)
        return Reply(text, True, tuple(label for _value, label in screen.choices))

    def _finish(self, ctx: Context, state: dict, text: str) -> Reply:
        ctx.conversation.state = {"dialog": None, "page": 0, "done": state.get("dialog")}
        return Reply(text, False)


def _pick(options: list[tuple[str, str]], text: str, *, by_value: bool = False) -> str:
    """The value of the option numbered ``text`` (1-based), or named so when ``by_value``."""
    if by_value:
        for value, _label in options:
            if value.lower() == text.strip().lower():
                return value
        raise Invalid("menu.invalid")
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1][0]
    raise Invalid("menu.invalid")


def render(ctx: Context, screen: Screen, page: int, limit: int | None, *, in_dialog: bool) -> tuple[str, int]:
    """Header and numbered choices, cut into pages that fit ``limit`` characters.

    Choices keep their number across pages, so "3" means the same thing on every page.
    Returns the text and the page actually shown (clamped).
    """
    lines = [f"{n}. {label}" for n, (_value, label) in enumerate(screen.choices, start=1)]
    back = f"{BACK}. {ctx.t('menu.back')}"
    more = f"{MORE}. {ctx.t('menu.more')}"
    if limit is None:
        tail = [back] if in_dialog else []
        return "\n".join([screen.header, *lines, *tail]), 0
    pages: list[list[str]] = []
    rest = list(lines)
    while True:
        footer = [back] if (in_dialog or pages) else []
        room = limit - len(screen.header) - sum(len(f) + 1 for f in footer)
        chunk: list[str] = []
        while rest and room - (len(rest[0]) + 1) - (len(more) + 1 if len(rest) > 1 else 0) >= 0:
            room -= len(rest[0]) + 1
            chunk.append(rest.pop(0))
        if not chunk and rest:  # one enormous label: cut it rather than loop forever
            chunk.append(rest.pop(0)[: max(1, room - len(more) - 2)])
        pages.append(chunk + ([more] if rest else []) + footer)
        if not rest:
            break
    page = min(max(page, 0), len(pages) - 1)
    return "\n".join([screen.header, *pages[page]])[:limit], page
