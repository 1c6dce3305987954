"""gosebs sebsdir driver: loads a SeBS benchmark directory's input.py as upstream's harness does and answers
requests about it, one JSON object per line on stdin, one JSON reply per line on stdout. Whatever the
benchmark itself prints goes to stderr, so it cannot corrupt a reply.

argv: <benchmark dir> <data dir or ""> <group/NNN.name, as upstream's tree names the benchmark>

First line written: {"ok": true, "python": "3.11.2", "has": {...}, "buckets": [in, out] | null,
"nosql_tables": [...] | null}, or {"ok": false, ...} when input.py cannot be loaded.
Requests: {"op": "generate", "size": s[, "storage": {"bucket": b, "input": [...], "output": [...]}]},
{"op": "validate", "input": i, "output": o, "language": l[, "storage": true]},
{"op": "requirements", "path": p}. Failures: {"ok": false, "during", "error_type", "error", "stack",
"service" (set when the benchmark asked for storage or NoSQL)}.

With "storage", generate_input gets the bucket and prefixes and an upload_func that records each upload
(this container has no network; the caller stores the objects): the reply's "uploads" lists
{"key": "<input prefix>/<name>", "data_path": <path under the data directory>} for a file of the data
directory, or {"key", "data": <base64>} for any other file, read when upload_func is called.

With "storage": true, validate_output gets as its storage argument an object with upstream's download and
download_stream: each read writes {"op": "fetch", "bucket", "key"} on stdout and reads {"ok": true, "data":
<base64>} (or {"ok": false, "error"}) from stdin, so the caller reads the object with its own client. Upstream's
validators that look for the benchmark's data through sebs.utils.get_project_root() find it: where sebs is
not installed, a module of that one function answers with a root whose benchmarks-data/<group>/<NNN.name> is
the data directory.
"""

import base64
import importlib.machinery
import importlib.metadata
import importlib.util
import inspect
import json
import os
import pathlib
import re
import sys
import tempfile
import traceback
import types

BENCH = sys.argv[1]
DATA_DIR = sys.argv[2] or None
BENCH_PATH = sys.argv[3] if len(sys.argv) > 3 else ""
MAX_STACK = 8 << 10

replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)
sys.stdout = sys.stderr


class ServiceNeeded(Exception):
    """The benchmark called a storage or NoSQL function that this driver does not provide."""

    def __init__(self, service, message):
        super().__init__(message)
        self.service = service


def upload_stub(*args, **kwargs):
    raise ServiceNeeded("storage", "generate_input called upload_func, but no storage was given: the benchmark "
                        "needs object storage (generate its input with storage: GenerateStorageInput)")


def nosql_stub(*args, **kwargs):
    raise ServiceNeeded("nosql", "generate_input called nosql_func: the benchmark needs a NoSQL store, "
                        "which gosebs does not provide")


def upload_recorder(storage, uploads):
    """upload_func(index, name, filepath) of upstream's storage: the object's key is the index-th input
    prefix joined with name; the file is recorded for the caller to store."""
    prefixes = storage["input"]
    data_root = os.path.realpath(DATA_DIR) if DATA_DIR else None

    def upload(index, name, filepath):
        if not 0 <= index < len(prefixes):
            raise IndexError("upload_func(%r, %r, %r): the benchmark has %d input prefixes (buckets_count)"
                             % (index, name, filepath, len(prefixes)))
        item = {"key": os.path.join(prefixes[index], name)}
        real = os.path.realpath(filepath)
        if data_root and real.startswith(data_root + os.sep) and os.path.isfile(real):
            item["data_path"] = os.path.relpath(real, data_root)
        else:
            with open(filepath, "rb") as f:
                item["data"] = base64.b64encode(f.read()).decode("ascii")
        uploads.append(item)

    return upload


def reply(obj):
    try:
        line = json.dumps(obj, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        line = json.dumps(failure(exc, "encoding the reply as JSON"))
    replies.write(line + "\n")
    replies.flush()


def failure(exc, during):
    stack = traceback.format_exc()
    out = {"ok": False, "during": during, "error_type": type(exc).__name__,
           "error": str(exc) or type(exc).__name__, "stack": stack[-MAX_STACK:]}
    if isinstance(exc, ServiceNeeded):
        out["service"] = exc.service
    return out


def load_input():
    path = os.path.join(BENCH, "input.py")
    loader = importlib.machinery.SourceFileLoader("input", path)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def describe(module):
    names = ("generate_input", "validate_output", "buckets_count", "allocate_nosql")
    info = {"ok": True, "python": "%d.%d.%d" % sys.version_info[:3],
            "has": {n: callable(getattr(module, n, None)) for n in names}, "buckets": None, "nosql_tables": None}
    if info["has"]["buckets_count"]:
        counts = module.buckets_count()
        info["buckets"] = [int(counts[0]), int(counts[1])]
    if info["has"]["allocate_nosql"]:
        info["nosql_tables"] = sorted(module.allocate_nosql().keys())
    return info


def positional_count(fn):
    params = inspect.signature(fn).parameters.values()
    return sum(1 for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


def generate(module, req):
    fn = module.generate_input
    size = req["size"]
    storage = req.get("storage")
    bucket, inputs, outputs, upload, uploads = None, [], [], upload_stub, []
    if storage is not None:
        bucket, inputs, outputs = storage["bucket"], storage["input"], storage["output"]
        upload = upload_recorder(storage, uploads)
    n = positional_count(fn)
    # Upstream's signatures: 7 parameters since NoSQL (2024), 6 with a single benchmarks bucket (2024),
    # 5 before (input and output bucket lists).
    if n >= 7:
        args = (DATA_DIR, size, bucket, inputs, outputs, upload, nosql_stub)
    elif n == 6:
        args = (DATA_DIR, size, bucket, inputs, outputs, upload)
    elif n == 5:
        args = (DATA_DIR, size, inputs, outputs, upload)
    else:
        raise TypeError("generate_input takes %d positional parameters; upstream's signatures take 5, 6 or 7" % n)
    return {"ok": True, "input": fn(*args), "uploads": uploads}


class FetchFailed(Exception):
    """The caller could not read an object validate_output asked for."""


class HostStorage:
    """upstream's storage argument of validate_output, read through the caller (this container has no
    network)."""

    def download_stream(self, bucket, key):
        reply({"op": "fetch", "bucket": bucket, "key": key})
        line = sys.stdin.readline()
        if not line:
            raise FetchFailed("stdin closed while fetching s3://%s/%s" % (bucket, key))
        got = json.loads(line)
        if not got.get("ok"):
            raise FetchFailed("fetch s3://%s/%s: %s" % (bucket, key, got.get("error")))
        return base64.b64decode(got.get("data") or "")

    def download(self, bucket, key, filepath):
        data = self.download_stream(bucket, key)
        parent = os.path.dirname(filepath)
        if parent:
            os.makedirs(parent, exist_ok=True)
        with open(filepath, "wb") as f:
            f.write(data)


def provide_project_root():
    """Makes sebs.utils.get_project_root() importable where sebs is not: its benchmarks-data/<group>/<name>
    is the data directory (a symlink in a temporary root)."""
    try:
        import sebs.utils  # noqa: F401
        return
    except ImportError:
        pass
    root = tempfile.mkdtemp(prefix="sebs-root-")
    if DATA_DIR and BENCH_PATH:
        link = os.path.join(root, "benchmarks-data", BENCH_PATH)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(DATA_DIR, link)
    package, utils = types.ModuleType("sebs"), types.ModuleType("sebs.utils")
    utils.get_project_root = lambda: pathlib.Path(root)
    package.utils = utils
    sys.modules["sebs"], sys.modules["sebs.utils"] = package, utils


def validate(module, req):
    fn = module.validate_output
    args = [DATA_DIR, req["input"], req["output"], req["language"]]
    if req.get("storage") and positional_count(fn) >= 5:
        provide_project_root()
        args.append(HostStorage())
    verdict = fn(*args)
    if verdict is not None and not isinstance(verdict, str):
        verdict = repr(verdict)
    return {"ok": True, "verdict": verdict}


REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")
CLAUSE = re.compile(r"^(~=|===|==|!=|<=|>=|<|>)\s*([^\s]+)$")


def version_key(v):
    parts = []
    for piece in v.split("."):
        m = re.match(r"\d+", piece)
        parts.append(int(m.group()) if m else 0)
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def satisfies(installed, op, wanted):
    if wanted.endswith(".*") and op in ("==", "!="):
        prefix = version_key(wanted[:-2])
        match = version_key(installed)[:len(prefix)] == prefix or prefix == ()
        return match if op == "==" else not match
    a, b = version_key(installed), version_key(wanted)
    if op == "~=":
        head = version_key(".".join(wanted.split(".")[:-1]))
        return a >= b and a[:len(head)] == head
    return {"==": a == b, "===": installed == wanted, "!=": a != b, "<=": a <= b, ">=": a >= b,
            "<": a < b, ">": a > b}[op]


def check_line(line):
    """None when the image satisfies the requirement line, else the reason it does not."""
    spec = line.split(";", 1)[0].strip()
    if spec.startswith("-") or "://" in spec or spec.startswith((".", "/")):
        return None, "not a plain requirement (option, URL or path): cannot be checked against the image"
    m = REQUIREMENT.match(spec)
    if not m:
        return None, "cannot be parsed as name[extras] [version clauses]"
    name, clauses = m.group(1), m.group(3).strip().strip("()")
    try:
        installed = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return name, "not installed in the image"
    for clause in filter(None, (c.strip() for c in clauses.split(","))):
        c = CLAUSE.match(clause)
        if not c:
            return name, "version clause %r cannot be checked (installed: %s)" % (clause, installed)
        if not satisfies(installed, c.group(1), c.group(2)):
            return name, "the image has %s %s, which does not satisfy %s" % (name, installed, clause)
    return name, None


def requirements(req):
    unmet = []
    with open(req["path"], encoding="utf-8") as f:
        for raw in f:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            name, reason = check_line(line)
            if reason is not None:
                unmet.append({"line": line, "name": name or "", "reason": reason})
    return {"ok": True, "unmet": unmet}


def main():
    try:
        module = load_input()
        reply(describe(module))
    except BaseException as exc:  # reported, then the driver ends
        reply(failure(exc, "loading input.py"))
        return
    ops = {"generate": ("generate_input", lambda r: generate(module, r)),
           "validate": ("validate_output", lambda r: validate(module, r)),
           "requirements": ("checking requirements", requirements)}
    for line in sys.stdin:
        if not line.strip():
            continue
        during = "reading the request"
        try:
            req = json.loads(line)
            during, call = ops[req["op"]]
            reply(call(req))
        except Exception as exc:
            reply(failure(exc, during))


main()
