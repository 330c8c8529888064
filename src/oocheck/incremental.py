"""The inference of a repo with as few module walks as the cache allows.

A full check walks every module and stores, per module, what its walk changed elsewhere (its
effects, analyzer/effects.py) under a key made of its text and the text of every module it reaches
by imports (analyzer/depends.py), and every module's summary (what collecting it found,
analyzer/summary.py). A partial check — only some files passed, as a pre-commit hook or an editor
does — still indexes and resolves the whole repo, but builds the modules whose summary the cache
holds from it without parsing them (a module is parsed when something looks into it), and walks only:

- the passed files and the files that import them (their findings are the ones reported),
- the modules defining a base class of a class in those files (a base's calls of overridden
  methods are judged against the subclass, OO207),
- and every module whose effects the cache does not hold for its current key (those importing a
  changed file, directly or not);

the other modules' effects are replayed from the cache, and the rules look only at the reported
files. The findings of a reported file are the ones a full check gives it.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any

from oocheck.analyzer import summary
from oocheck.analyzer.collect import MethodFacts
from oocheck.analyzer.depends import Graph, closure_keys, global_names, import_graph, imported_names, importers
from oocheck.analyzer.effects import ModuleEffects, can_replay, replay, stable_path
from oocheck.analyzer.index import RepoIndex
from oocheck.analyzer.infer import Walked, infer_repo, module_shared_names
from oocheck.analyzer.model import BindingKind, ClassInfo, ModuleInfo
from oocheck.cache import Cache, code_fingerprint
from oocheck.calls import names_set_by, rebound_by
from oocheck.discovery import SourceFile

EFFECTS = "effects"
METHODS = "methods"
SUMMARIES = "summaries"


Store = Callable[[], None]


def collect(files: Iterable[SourceFile], sources: dict[Path, bytes], cache: Cache, partial: bool
            ) -> tuple[RepoIndex, Store]:
    """The collected and resolved index of `files`. A partial check builds the modules whose summary
    the cache holds from it, unparsed (the modules it walks are parsed when walked); any check keeps
    the summaries of the modules it collected. Returns the index and the store of what collecting
    found (method facts, summaries), to be called once: it only reads and writes the cache, so the
    engine may run it in a child process while the rules run."""
    if not cache.enabled:
        return RepoIndex.collect(files, sources), _nothing
    # An editor's buffer is not kept: the file on disk, the one the next run reads, keeps its entry.
    summaries = SummaryCache(cache, use=partial, transient=set(sources))
    methods = MethodCache(cache)
    index = RepoIndex.collect(files, sources, methods, summaries)

    def store() -> None:
        methods.flush({m.digest for m in index.modules})
        summaries.flush({m.stable_path for m in index.modules})
    return index, store


def _nothing() -> None:
    pass


class _PackedEntry:
    """One whole-repo cache entry (summaries, method facts, walk effects): a dict written with
    marshal, read at most once, and written once with what this run added (`flush`), within the
    bound of `_bounded`. A cold check of Django wrote 885 small files per kind before, most of the
    system time of its cache store. Two runs at once leave one's or the other's entries."""

    def __init__(self, cache: Cache, namespace: str, kind: str) -> None:
        self.cache = cache
        self.namespace = namespace
        self.key = _packed_key(kind)  # a new format simply stops matching the old entry
        self._stored: dict[Any, Any] | None = None
        self._added: dict[str, Any] = {}

    def _entries(self) -> dict[Any, Any]:
        if self._stored is None:
            self._stored = _read_packed(self.cache, self.namespace, self.key)
        return self._stored

    def flush(self, current: set[str]) -> None:
        """Write the entries with those added; `current`: the keys this run's modules have."""
        if not self.cache.enabled or not self._added:
            return
        entries = _bounded({**self._entries(), **self._added}, current)
        self.cache.put(self.namespace, self.key, marshal.dumps(entries))
        self._added.clear()


class SummaryCache(_PackedEntry):
    """Every module's summary (analyzer/summary.py), by module path: a partial check of Django reads
    885 summaries at once instead of parsing 885 files. An entry serves only the text it was made
    from (its digest), under the same module name and import root; anything else about it (a damaged
    or foreign shape) means the module is parsed as before. A deleted or renamed file leaves an
    entry behind, until the bound."""

    def __init__(self, cache: Cache, use: bool, transient: set[Path] | None = None) -> None:
        super().__init__(cache, SUMMARIES, str(summary.FORMAT))
        self.use = use  # build modules from summaries (a partial check); a full check only keeps them
        self.transient = transient or set()  # files whose text this run does not read from disk
        self.roots: dict[Path, str] = {}  # stable_path of each import root, made once

    def _root(self, module: ModuleInfo) -> str:
        found = self.roots.get(module.root)
        if found is None:
            found = self.roots[module.root] = stable_path(module.root)
        return found

    def _entry(self, module: ModuleInfo) -> summary.Summary | None:
        entry = self._entries().get(module.stable_path)
        if isinstance(entry, tuple) and len(entry) == 4 \
                and entry[:3] == (module.digest, module.name, self._root(module)):
            return tuple(entry[3])
        return None

    def build(self, module: ModuleInfo, loader: Callable[[ModuleInfo], None]) -> bool:
        found = self._entry(module) if self.use else None
        if found is None:
            return False
        try:
            summary.build(found, module, loader)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            summary.clear(module)  # a damaged summary: parsed as if there were none
            return False
        return True

    def save(self, module: ModuleInfo) -> None:
        found = self._entry(module)
        if found is not None:
            try:
                module.imported = frozenset(str(n) for n in found[summary.IMPORTED])
                return
            except (IndexError, TypeError):
                pass  # damaged: made again
        made = summary.summarize(module)
        module.imported = frozenset(made[summary.IMPORTED])
        if module.path not in self.transient:
            self._added[module.stable_path] = (module.digest, module.name, self._root(module), made)


def _packed_key(kind: str) -> str:
    """The key of a whole-repo entry: what oocheck's code and this interpreter computed, of a kind
    and format (a new format simply stops matching the old entry)."""
    return hashlib.sha256(f"{code_fingerprint()}\0{sys.version}\0{kind}".encode()).hexdigest()


def _read_packed(cache: Cache, namespace: str, key: str) -> dict[Any, Any]:
    """A whole-repo entry written with marshal (summaries, method facts, walk effects), or {} when
    absent or not intact: then every module is collected or walked again and the entry rewritten."""
    payload = cache.get(namespace, key)
    if payload is None:
        return {}
    try:
        data = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


class MethodCache(_PackedEntry):
    """What each method body adds to its class (collect.MethodFacts), by the module's text (its
    digest): walking every method is most of the cost of collecting a repo that is otherwise
    unchanged. Every edit of a file adds an entry, until the bound."""

    def __init__(self, cache: Cache) -> None:
        super().__init__(cache, METHODS, "methods 1")

    def load(self, module: ModuleInfo) -> MethodFacts | None:
        if not self.cache.enabled:
            return None
        data: Any = self._entries().get(module.digest)
        if not isinstance(data, dict) or not all(isinstance(ops, list) and all(_valid_op(op) for op in ops)
                                                 for ops in data.values()):
            return None  # absent, or of another shape: collected again and rewritten
        return data

    def save(self, module: ModuleInfo, facts: MethodFacts) -> None:
        """Kept until `flush`: written with the rest of the cache store, off the critical path."""
        self._added[module.digest] = facts


def _valid_op(op: Any) -> bool:
    if not isinstance(op, list) or not op:
        return False
    if op[0] == "bind":
        return len(op) == 7 and isinstance(op[1], str) and op[2] in BindingKind.__members__ \
            and type(op[3]) is int and type(op[4]) is int and isinstance(op[5], bool) and isinstance(op[6], str)
    if op[0] == "open":
        return len(op) == 2 and isinstance(op[1], str)
    return op[0] == "init" and len(op) == 3 and op[1] in {"super", "name", "dynamic"} and isinstance(op[2], str)


def infer(index: RepoIndex, cache: Cache, only: Collection[Path] | None = None) -> tuple[set[Path] | None, Store]:
    """Walk the modules of `index` that need it and replay the others' effects from `cache`.
    `only`: the files whose findings are wanted (resolved paths). Returns the files to report (those
    and the files importing them, or None for all) and the store of the effects of the walks the
    cache lacks, to be called once (it reads the index and writes only the cache: the engine may run
    it in a child process while the rules run)."""
    if only is None and not cache.enabled:
        infer_repo(index)
        return None, _nothing
    if only is None:
        walked = infer_repo(index)

        def store_all() -> None:
            keys = _keys(index)
            effects = EffectsCache(cache)
            _store(index, effects, keys, walked, {keys[m] for m in index.modules if effects.load(keys[m]) is not None})
        return None, store_all
    graph = import_graph(index.modules, _imported_names(index))
    keys = _keys(index, graph)
    wanted = set(only)
    passed = set(index.modules_at(wanted).values())
    report = passed | importers(graph, passed)
    walk = set(report) | {base.module for m in report for cls in m.classes for base in cls.mro
                          if isinstance(base, ClassInfo)}
    cached: list[tuple[ModuleEffects, ModuleEffects]] = []
    intact: set[str] = set()
    effects = EffectsCache(cache)
    for module in index.modules:
        entry = effects.load(keys[module])
        if entry is not None:
            intact.add(keys[module])
        if module in walk:
            continue
        if entry is None or not all(can_replay(index, part) for part in entry):
            walk.add(module)
        else:
            cached.append(entry)
    # Effects made during a walk are seen by the walks after it; the stores recorded after every
    # walk are seen by none: replayed in the same two steps.
    for during, _ in cached:
        replay(index, during)
    index.walked = {id(m) for m in walk}
    index.reported = {id(m) for m in report}
    walked = infer_repo(index, [m for m in index.modules if m in walk])
    for _, after in cached:
        replay(index, after)
    return {m.path.resolve() for m in report} | wanted, lambda: _store(index, effects, keys, walked, intact)


def _keys(index: RepoIndex, graph: Graph | None = None) -> dict[ModuleInfo, str]:
    """Each module's entry key: its text and the text of every module it reaches by imports."""
    if graph is None:
        graph = import_graph(index.modules, _imported_names(index))
    closures = closure_keys(graph, {m: m.digest for m in index.modules})
    roots = {root: stable_path(root) for root in index.by_root}
    return {m: _entry_key(m, roots.get(m.root) or stable_path(m.root), closure) for m, closure in closures.items()}


def _imported_names(index: RepoIndex) -> dict[ModuleInfo, set[str]]:
    """Each module's `imported_names`: from its summary when it has one, else found (a walk of every
    statement)."""
    return {m: set(m.imported) if m.imported is not None else imported_names(m) for m in index.modules}


def _entry_key(module: ModuleInfo, root: str, closure: str) -> str:
    # The interpreter matters: standard-library classes are introspected at runtime.
    # Paths as `stable_path` names them: a full check of `django` and a hook run with `--in-project`
    # (absolute paths) share entries. Display paths are not in the key: effects store absolute paths.
    text = "\0".join([code_fingerprint(), sys.version, module.stable_path, root, closure])
    return hashlib.sha256(text.encode()).hexdigest()


# The fewest entries a whole-repo cache entry keeps, whatever the run (a one-file check has one module).
MIN_KEPT = 5000


class EffectsCache(_PackedEntry):
    """The effects of every module's walk (effects.py), by entry key (`_entry_key`). Neither of two
    runs at once trusts a wrong one: each is under the key of everything its walk could see. An edit
    gives new keys to every module that imports the edited one, until the bound."""

    def __init__(self, cache: Cache) -> None:
        super().__init__(cache, EFFECTS, "effects 2")  # 2: marshal, not JSON (loads in half the time)

    def load(self, key: str) -> tuple[ModuleEffects, ModuleEffects] | None:
        data: Any = self._entries().get(key)
        if not isinstance(data, dict):
            return None
        try:
            return ModuleEffects.from_data(data["during"]), ModuleEffects.from_data(data["after"])
        except (KeyError, TypeError, ValueError):
            return None  # another shape: walk the module again and rewrite the entry

    def put(self, key: str, during: ModuleEffects, after: ModuleEffects) -> None:
        self._added[key] = {"during": during.to_data(), "after": after.to_data()}


def _bounded(entries: dict[str, Any], current: set[str]) -> dict[str, Any]:
    """A whole-repo entry's `entries` (insertion order: oldest first) without the oldest that no
    module of this run uses, past `max(4 * len(current), MIN_KEPT)` of them. None is dropped below
    that bound: a check of one file sees only part of the repo, and the rest still serve the next
    hook run."""
    limit = max(4 * len(current), MIN_KEPT)
    if len(entries) > limit:
        others = [key for key in entries if key not in current]
        for key in others[: len(entries) - limit]:
            del entries[key]
    return entries


def _store(index: RepoIndex, effects: EffectsCache, keys: dict[ModuleInfo, str], walked: list[Walked],
           intact: set[str]) -> None:
    """Write the entries the cache lacks, or holds damaged."""
    for walk in walked:
        key = keys[walk.module]
        if not effects.cache.enabled or key in intact:
            continue
        walk.after.names_set.extend(names_set_by(index.calls[walk.calls]))
        rebound = global_names(walk.module) if module_shared_names(index, walk.module) else set()
        walk.after.rebound.extend(rebound | rebound_by(index.accesses[walk.accesses]))
        effects.put(key, walk.during, walk.after)
    effects.flush(set(keys.values()))
