package sebstest

// ReportsCold reports whether the function's server says truthfully which call is its first (is_cold).
// Upstream SeBS's servers ([UpstreamImage]) report is_cold false always, so a benchmark cannot tell their
// first call, which imports the function, from the others; the warm mode of package bench then discards
// one call before measuring.
func (f *Function) ReportsCold() bool { return !f.spec.coldUntrusted }

// defaultName is the function's name when no WithName is given: the benchmark's (from WithBenchmark) for
// sources that name functions after it, else the source's own.
func (sp spec) defaultName(benchmark string) string {
	if sp.nameByBenchmark && benchmark != "" {
		return sanitizeName(benchmark)
	}
	return sp.name
}
