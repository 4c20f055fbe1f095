"""Lists every place in an installed ansible-core where configuration (ansible.constants, i.e. the
ConfigManager's values) is read while a module is being imported: module- and class-level
statements and default argument values, not function bodies. Those are the values a warm
interpreter holds from the zygote's own configuration and must recompute for each run.

    python3 scan_import_time_config.py [/usr/lib/python3/dist-packages/ansible]
"""
import ast
import os
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else '/usr/lib/python3/dist-packages/ansible'


def config_names(tree):
    """Local names bound to ansible.constants in this module (C, constants, ...)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == 'ansible' and any(a.name == 'constants' for a in node.names):
            names.update(a.asname or a.name for a in node.names if a.name == 'constants')
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == 'ansible.constants':
                    names.add(a.asname or 'ansible')
    return names


class Scanner(ast.NodeVisitor):
    def __init__(self, names, path):
        self.names, self.path, self.hits = names, path, []

    def visit_FunctionDef(self, node):
        # the body runs later; the defaults and decorators run at import
        for expr in node.args.defaults + node.args.kw_defaults + node.decorator_list:
            if expr is not None:
                self.visit(expr)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        for expr in node.args.defaults:
            self.visit(expr)

    def visit_Attribute(self, node):
        if isinstance(node.value, ast.Name) and node.value.id in self.names and node.attr.isupper():
            self.hits.append((node.lineno, node.attr))
        self.generic_visit(node)


for base, _, files in os.walk(ROOT):
    if '/modules' in base[len(ROOT):] or '/module_utils' in base[len(ROOT):]:
        continue  # run in the module's own (remote) Python, never in the controller's
    for name in sorted(files):
        if not name.endswith('.py'):
            continue
        path = os.path.join(base, name)
        with open(path, 'rb') as f:
            tree = ast.parse(f.read(), path)
        names = config_names(tree)
        if not names:
            continue
        scanner = Scanner(names, path)
        scanner.visit(tree)
        for line, attr in scanner.hits:
            print('%s:%d %s' % (os.path.relpath(path, ROOT), line, attr))
