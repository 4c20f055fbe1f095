"""Dynamic complement of scan_import_time_config.py: every read of a configuration value
(ansible.constants.<UPPER>) made while the warm set of modules is imported, with the file and
line that read it (the first frame inside ansible outside constants.py). Function bodies run at
import (Display(), _load_plugin_filter(), _configure_collection_loader()) are caught too.

    python3 trace_import_time_config.py
"""
import sys
import types

import ansible.constants as real

reads = {}


class Traced(types.ModuleType):
    def __getattribute__(self, name):
        value = getattr(real, name)
        if name.isupper():
            frame = sys._getframe(1)
            while frame and 'ansible' not in frame.f_code.co_filename:
                frame = frame.f_back
            if frame:
                where = '%s:%d' % (frame.f_code.co_filename.split('dist-packages/')[-1], frame.f_lineno)
                reads.setdefault(where, set()).add(name)
        return value


proxy = Traced('ansible.constants')
sys.modules['ansible.constants'] = proxy
import ansible  # noqa: E402
ansible.constants = proxy

sys.path.insert(0, __file__.rsplit('/', 1)[0])
import zygote  # noqa: E402

zygote.warm_imports()
for where in sorted(reads):
    print(where, ' '.join(sorted(reads[where])))
