// Package regression holds the regression tests of the built-in fixture functions, run by go test ./... and
// in CI. It has no API: everything is in its tests.
//
// TestFixtures starts every function of the fixtures catalogue in each of its languages, in a container,
// invokes it once with the catalogue's "test" input, checks the function's output with the catalogue's
// validator (as upstream SeBS's regression suite does), and compares the whole result, normalised, with the
// golden file testdata/<name>-<language>.golden. Unlike upstream's suite it also covers the local platform,
// fails on a validator error or a failed invocation, and catches changes in a function's answer the
// validator does not look at.
//
// The golden files are made with package golden's normalisation (golden.Result): times, ids, container ids, ports and
// durations are replaced by placeholders, so the files are stable from run to run. dynamic-html's page holds
// random numbers and the time it was generated: its golden keeps the page with every run of digits replaced
// by "#", so the markup and the number of items are still compared. The graph results are compared with a
// relative tolerance of 1e-9, since floating-point results may differ in their last bits between machines.
//
// Python and Node.js functions run on their base images, which the first run on a machine builds from Debian
// packages (a few minutes); -short leaves them out. Without a Docker engine the tests are skipped, unless
// CI=true: then they fail.
//
// Rewrite the golden files after an intended change, and review the diff:
//
//	SEBS_UPDATE_GOLDEN=1 go test ./regression/
//	go test ./regression/ -run TestFixtures/sleep -sebs.update
package regression
