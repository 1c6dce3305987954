package benchmarks

import "testing"

// BenchmarkSleep: upstream's 010.sleep, sleeping 1, 10 or 100 ms by size.
func BenchmarkSleep(b *testing.B) { runSuite(b, "sleep") }

// BenchmarkDynamicHTML: upstream's 110.dynamic-html, a page of 10, 1000 or 100000 list items.
func BenchmarkDynamicHTML(b *testing.B) { runSuite(b, "dynamic-html") }

// BenchmarkGraphPagerank: upstream's 501.graph-pagerank on a Barabási–Albert graph.
func BenchmarkGraphPagerank(b *testing.B) { runSuite(b, "graph-pagerank") }

// BenchmarkGraphMST: upstream's 502.graph-mst on a Barabási–Albert graph.
func BenchmarkGraphMST(b *testing.B) { runSuite(b, "graph-mst") }

// BenchmarkGraphBFS: upstream's 503.graph-bfs on a Barabási–Albert graph.
func BenchmarkGraphBFS(b *testing.B) { runSuite(b, "graph-bfs") }
