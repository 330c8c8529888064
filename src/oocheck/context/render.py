"""Print a context as markdown (for a model's prompt or an agent's skills folder) or as JSON.

Markdown is cut to a size budget by dropping whole sections, least useful first: the importable
modules, then what builtin bases add, the constructors of used classes, the methods, the data
attributes. The header of each class and the methods it must implement are never dropped. Tokens are
estimated as characters / 4 (close for English and code with GPT- and Claude-style tokenizers; no
tokenizer is a dependency), and the output says what was dropped.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass

from oocheck.context.model import Attribute, ClassContext, ClassName, Context, Place

CHARS_PER_TOKEN = 4
# Higher survives longer under --max-tokens.
_KEEP, _ABSTRACT, _ATTRIBUTES, _METHODS, _USES, _EXTERNAL, _IMPORTABLE = 100, 90, 80, 70, 50, 40, 20


@dataclass
class _Section:
    priority: int
    title: str  # what the drop note calls it
    lines: list[str]


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def to_json(context: Context) -> str:
    return json.dumps(asdict(context), indent=2) + "\n"


def to_markdown(context: Context, max_tokens: int | None = None) -> str:
    sections = _Markdown(context.root).sections(context)
    dropped: list[str] = []
    text = _join(sections, dropped, max_tokens)
    if max_tokens is not None:
        droppable = sorted((s for s in sections if s.priority < _KEEP and s.priority != _ABSTRACT),
                           key=lambda s: s.priority)
        while estimate_tokens(text) > max_tokens and droppable:
            victim = droppable.pop(0)
            sections.remove(victim)
            dropped.append(victim.title)
            text = _join(sections, dropped, max_tokens)
        if estimate_tokens(text) > max_tokens:
            text += (f"\n_Still about {estimate_tokens(text)} tokens, over --max-tokens {max_tokens}: the class "
                     "headers and the methods to implement are never left out._\n")
    return text


def _join(sections: list[_Section], dropped: list[str], max_tokens: int | None) -> str:
    lines = [line for section in sections for line in section.lines]
    if dropped:
        lines += ["", f"_Left out to fit --max-tokens {max_tokens} (tokens ≈ characters / {CHARS_PER_TOKEN}): "
                      f"{'; '.join(dropped)}._"]
    return "\n".join(lines).rstrip() + "\n"


class _Markdown:
    """Markdown lines, with paths shown relative to the indexed root."""

    def __init__(self, root: str) -> None:
        self.root = root

    def sections(self, context: Context) -> list[_Section]:
        head = [f"# oocheck context: {context.target}", ""]
        if context.kind == "new-file":
            head.append(f"New module `{context.module}` ({self.path(context.path)}): what its package offers. "
                        f"Paths are relative to {context.root}.")
        else:
            head.append(f"Module `{context.module}` ({self.path(context.path)}). Paths are relative to {context.root}.")
        if context.kind == "module" and not context.classes:
            head.append("It defines no classes.")
        sections = [_Section(_KEEP, "header", head)]
        for cls in context.classes:
            sections += self.class_sections(cls)
        if context.neighbours:
            sections.append(_Section(_KEEP, "neighbours", ["", "## Classes of its package"]))
            for cls in context.neighbours:
                sections += self.class_sections(cls, level="###")
        if context.importable:
            lines = ["", "## Importable from the repo"]
            for module in context.importable:
                parts = [f"classes {', '.join(module.classes)}" if module.classes else "",
                         f"functions {', '.join(module.functions)}" if module.functions else "",
                         f"other {', '.join(module.other)}" if module.other else ""]
                names = "; ".join(p for p in parts if p)
                lines.append(f"- `{module.module}` ({self.path(module.path)})" + (f": {names}" if names else ""))
            sections.append(_Section(_IMPORTABLE, "importable modules", lines))
        if context.notes:
            sections.append(_Section(_KEEP, "notes", ["", "## Notes", *(f"- {note}" for note in context.notes)]))
        return sections


    def class_sections(self, cls: ClassContext, level: str = "##") -> list[_Section]:
        short = cls.name.split(":")[-1]
        head = ["", f"{level} class `{cls.name}` ({self.place(cls.where)})"]
        if cls.bases:
            head.append("- bases: " + ", ".join(self.named(b) for b in cls.bases))
        head.append("- MRO: " + " → ".join(f"`{name}`" for name in cls.mro_classes))
        if cls.subclasses:
            head.append("- known subclasses: " + ", ".join(self.named(s) for s in cls.subclasses))
        call = f"`{cls.constructor.call}`" if cls.constructor.call else cls.constructor.reason
        head.append(f"- constructor: {call}")
        if cls.open_reasons:
            head.append("- incomplete: attributes may come from where the analyzer cannot see ("
                        + "; ".join(cls.open_reasons) + ")")
        sections = [_Section(_KEEP, f"{short} header", head)]
        if cls.abstract:
            why = (f" (abstract: `{short}(...)` raises TypeError until they are defined)"
                   if any(a.abstract for a in cls.abstract) else "")
            lines = ["", f"{level}# Must implement{why}"]
            lines += [self.method_line(a, abstract=True) for a in cls.abstract]
            sections.append(_Section(_ABSTRACT, f"abstract methods of {short}", lines))
        if cls.attributes:
            lines = ["", f"{level}# Attributes"] + [self.data_line(a) for a in cls.attributes]
            sections.append(_Section(_ATTRIBUTES, f"attributes of {short}", lines))
        if cls.methods:
            lines = ["", f"{level}# Methods"] + [self.method_line(a) for a in cls.methods]
            sections.append(_Section(_METHODS, f"methods of {short}", lines))
        if cls.external:
            lines = ["", f"{level}# Inherited from builtins and the standard library"]
            lines += [f"- `{e.cls}`: {', '.join(e.names)}" for e in cls.external]
            sections.append(_Section(_EXTERNAL, f"builtin members of {short}", lines))
        if cls.uses:
            lines = ["", f"{level}# Constructors of the classes it uses"]
            for used in cls.uses:
                where = f" ({self.place(used.cls.where)})" if used.cls.where else ""
                lines.append(f"- `{used.call}`{where}" if used.call else f"- `{used.cls.name}`{where}: {used.reason}")
            sections.append(_Section(_USES, f"constructors used by {short}", lines))
        return sections


    def where(self, attribute: Attribute) -> str:
        places = attribute.bound_at
        text = self.place(places[0]) if places else "builtin"
        if len(places) > 1:
            text += f" (+{len(places) - 1} more)"
        if attribute.inherited:
            text += f", from `{attribute.owner.split(':')[-1]}`"
        return text


    def named(self, cls: ClassName) -> str:
        return f"`{cls.name}`" + (f" ({self.place(cls.where)})" if cls.where else "")

    def place(self, place: Place | None) -> str:
        return f"{self.path(place.path)}:{place.line}" if place is not None else "builtin"

    def path(self, path: str) -> str:
        """`path` relative to the indexed root (printed once, in the header)."""
        try:
            relative = os.path.relpath(os.path.abspath(path), self.root)
        except ValueError:
            return path
        return path if relative.startswith("..") else relative


    def data_line(self, attribute: Attribute) -> str:
        typed = f"{attribute.name}: {attribute.type}" if attribute.type else attribute.name
        kind = attribute.kind
        if attribute.bound_in:
            kind += " in " + ", ".join(f"{m}()" for m in attribute.bound_in)
        elif attribute.level == "instance" and attribute.kind != "instance attribute":
            kind += ", instances only"
        note = f" — note: {attribute.note}" if attribute.note else ""
        return f"- `{typed}` — {kind} · {self.where(attribute)}{note}"


    def method_line(self, attribute: Attribute, abstract: bool = False) -> str:
        decorator = {"classmethod": "@classmethod ", "staticmethod": "@staticmethod ", "property": "@property "}
        signature = attribute.signature or "(...)"
        if attribute.kind == "property":
            signature = f" -> {attribute.type}" if attribute.type else ""
        text = f"- `{decorator.get(attribute.kind, '')}{attribute.name}{signature}`"
        if abstract:
            what = "abstract in" if attribute.abstract else "raises NotImplementedError in"
            return f"{text} — {what} `{attribute.owner.split(':')[-1]}` · {self.where_plain(attribute)}"
        text += f" · {self.where(attribute)}"
        if attribute.overrides:
            text += f" · overrides `{attribute.overrides}`"
        return text


    def where_plain(self, attribute: Attribute) -> str:
        return self.place(attribute.bound_at[0]) if attribute.bound_at else attribute.owner
