"""The shape of the code in docs/architecture.md: no module imports itself back through others."""

import grimp


def _import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others (Tarjan's strongly connected parts)."""
    order: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    for root in sorted(graph.modules):
        if root in order:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        order[root] = lowest[root] = len(order)
        stack.append(root)
        while work:
            module, imported = work[-1]
            step = next(imported, None)
            if step is not None:
                if step not in order:
                    order[step] = lowest[step] = len(order)
                    stack.append(step)
                    work.append((step, iter(sorted(graph.find_modules_directly_imported_by(step)))))
                elif step in stack:
                    lowest[module] = min(lowest[module], order[step])
                continue
            work.pop()
            if work:
                lowest[work[-1][0]] = min(lowest[work[-1][0]], lowest[module])
            if lowest[module] == order[module]:
                part = []
                while True:
                    member = stack.pop()
                    part.append(member)
                    if member == module:
                        break
                if len(part) > 1:
                    cycles.append(sorted(part))
    return cycles


def test_no_module_imports_itself_back() -> None:
    graph = grimp.build_graph("bot", "handlers", exclude_type_checking_imports=True)
    assert _import_cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for name in ("a", "b", "c"):
        graph.add_module(name)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="c")
    graph.add_import(importer="c", imported="a")
    assert _import_cycles(graph) == [["a", "b", "c"]]
