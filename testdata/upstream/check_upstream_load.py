"""Load experiments.json files with upstream SeBS's own code, unchanged.

Usage: python3 check_upstream_load.py <upstream checkout> <experiments.json>...

For each file: Result.deserialize without a cache (as `sebs experiment process` does for its
statistics) and with one (as perf-cost's process step does, which also loads the local deployment's
config), then read every attribute perf-cost's process step writes to result.csv. Third-party modules
that upstream imports but does not use for loading are stubbed, since they cannot be installed here.
"""
import importlib.abc
import importlib.machinery
import json
import sys
import tempfile
import types

STUBBED = {"docker", "rich", "pycurl", "numpy", "scipy", "pandas", "minio"}


class _Anything(type):
    def __getattr__(cls, name):
        return _Anything(name, (), {})

    def __call__(cls, *args, **kwargs):
        return cls

    def __getitem__(cls, key):
        return cls


class _StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Anything(name, (), {})


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        if fullname.split(".")[0] in STUBBED:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _StubModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


def main():
    upstream, files = sys.argv[1], sys.argv[2:]
    sys.meta_path.insert(0, _StubFinder())
    sys.path.insert(0, upstream)
    from sebs.cache import Cache
    from sebs.experiments.result import Result
    from sebs.utils import LoggingHandlers

    failed = False
    for path in files:
        with open(path) as f:
            doc = json.load(f)
        try:
            plain = Result.deserialize(doc, None, None)
            with tempfile.TemporaryDirectory() as cache_dir:
                cached = Result.deserialize(doc, Cache(cache_dir, None), LoggingHandlers())
            rows = 0
            for func in cached.functions():
                for _, invoc in cached.invocations(func).items():
                    # The columns perf-cost's process step writes to result.csv.
                    _ = (invoc.stats.cold_start, invoc.times.benchmark, invoc.times.http_startup,
                         invoc.times.client, invoc.provider_times.execution, invoc.stats.memory_used)
                    rows += 1
            runtime = plain.config["experiments"].runtime
            variant = getattr(runtime, "variant", None)  # older upstream has no variants
            print(f"OK   {path}: {rows} invocations, runtime {runtime.language.value} {runtime.version} "
                  f"{variant.value if variant else '-'}, times {cached.times()}")
        except Exception as e:  # noqa: BLE001 - report whatever upstream raised
            failed = True
            print(f"FAIL {path}: {type(e).__name__}: {e}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
