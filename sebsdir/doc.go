// Package sebsdir reads benchmark directories in upstream SeBS's layout (benchmarks/<group>/<NNN.name>/:
// config.json, input.py, python/…) so that gosebs can run them as upstream's local platform does.
//
// It does three things, none of which needs Python on the host:
//
//   - [Parse] reads config.json (timeout, memory, languages, modules) and input.py's shape, and says which
//     languages have code and whether the benchmark needs object storage (which sebstest provides) or a
//     NoSQL store (which gosebs does not): [Benchmark.Runnable] stops those with that reason unless the
//     caller provides the service.
//   - [Benchmark.Layout] lays out a code package as upstream's local platform does for Python: the
//     language directory's *.py and requirements.txt* files, what the benchmark's init.sh scripts add, all
//     moved under function/ except requirements.txt. The package directory is what a Python function
//     container mounts at /function.
//   - [Open] starts one container of the Python runtime image (no network, no ports, read-only mounts)
//     running a small driver of ours that loads the directory's input.py and answers requests over
//     stdin/stdout: [Session.GenerateInput] calls its generate_input for a size
//     ([Session.GenerateStorageInput] with upstream's bucket and prefixes, returning what it asked
//     upload_func to store; [DataDir] finds its benchmarks-data directory), [Session.Validate] its
//     validate_output on a handler's output, [Session.UnmetRequirements] checks requirements.txt against
//     the image's installed packages.
//
// The package does not start function containers; sebstest does, with the [Package] directory as code.
package sebsdir
