"""What keeps the index small (issue #5: peak memory on Django): the many small records carry no
per-instance dict, accesses and calls share their caught-exception sets, the walks' memos do not
outlive the walks, and the standard library's syntax trees are not kept. None of it changes a fact."""

from __future__ import annotations

import dataclasses
import logging
import pickle
from pathlib import Path

from oocheck.analyzer import external
from oocheck.analyzer.index import RepoIndex
from oocheck.analyzer.model import Binding, BindingKind, ImportBinding
from oocheck.analyzer.values import ClassObject, Instance
from oocheck.discovery import discover

SOURCE = """\
class Box:
    def __init__(self):
        self.size = 1

    def grow(self):
        try:
            return self.size.bit_length()
        except AttributeError:
            return self.missing


def use(box):
    if box:
        return Box().grow()
    return Box().size
"""


def _index(tmp_path: Path) -> RepoIndex:
    (tmp_path / "box.py").write_text(SOURCE, encoding="utf-8")
    return RepoIndex.build(discover([tmp_path], ()))


def test_records_have_no_instance_dict(tmp_path: Path) -> None:
    index = _index(tmp_path)
    assert index.accesses and index.calls
    records = [*index.accesses, *index.calls, index.accesses[0].scope,
               *[b for info in index.classes for group in info.bindings.values() for b in group]]
    for record in records:
        assert not hasattr(record, "__dict__"), type(record).__name__


def test_slotted_records_still_compare_hash_pickle_and_replace() -> None:
    binding = Binding("size", BindingKind.INSTANCE, "box.py", 3, 8, False, "__init__")
    assert pickle.loads(pickle.dumps(binding)) == binding
    assert hash(dataclasses.replace(binding)) == hash(binding)
    assert dataclasses.replace(binding, line=4).line == 4
    imported = ImportBinding("os", "path", 1, False)
    assert pickle.loads(pickle.dumps(imported)) == imported
    value = Instance(external.external_class(int), exact=True, const=3)
    assert value == Instance(external.external_class(int), exact=True, const=3)
    assert value != ClassObject(external.external_class(int), exact=True)


def test_caught_sets_are_shared_and_unchanged(tmp_path: Path) -> None:
    index = _index(tmp_path)
    by_attr = {access.attr: access for access in index.accesses}
    assert by_attr["bit_length"].caught == {"AttributeError"}  # in the `try` body
    assert by_attr["missing"].caught == frozenset()  # in the handler: nothing caught around it
    plain = [access for access in index.accesses if not access.caught]
    calls = [site for site in index.calls if not site.caught]
    assert len(plain) >= 2 and calls
    assert len({id(access.caught) for access in plain} | {id(site.caught) for site in calls}) == 1


def test_walk_memos_do_not_outlive_the_walks(tmp_path: Path) -> None:
    index = _index(tmp_path)
    assert "body_names" not in index.derived and "test_parts" not in index.derived


def test_stdlib_class_facts_without_kept_trees() -> None:
    external._module_tree.cache_clear()
    external._source_instance_attrs.cache_clear()
    handler = external.ExternalClass(obj=logging.StreamHandler, class_attrs=frozenset(dir(logging.StreamHandler)))
    assert {"stream", "level", "formatter"} <= handler.instance_attrs
    assert external._source_instance_attrs(int) is None  # a C type: no class statement
    assert external._module_tree.cache_info().currsize <= external._module_tree.cache_info().maxsize == 4
    # Asked again once the trees are gone: the same facts, from the facts kept.
    external._module_tree.cache_clear()
    again = external.ExternalClass(obj=logging.StreamHandler, class_attrs=frozenset(dir(logging.StreamHandler)))
    assert again.instance_attrs == handler.instance_attrs
    assert external._module_tree.cache_info().currsize == 0
