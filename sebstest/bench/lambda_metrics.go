package bench

import (
	"testing"
	"time"

	"github.com/gosebs/sebs"
)

// providerTotals sums the provider-side figures of the calls whose results have them (functions whose
// platform reports them, such as Lambda functions under the emulator: see sebstest.LambdaFunction), for
// the metrics provider-exec-ns/call, init-ns/start and billed-gb-s/call.
type providerTotals struct {
	calls     int     // calls with provider times
	exec      float64 // ns
	gbSeconds float64
	inits     int     // calls with an initialization (cold calls)
	init      float64 // ns
}

// add counts res when it has provider times and is counted in the other metrics (in ModeWarm, a cold call
// is not).
func (p *providerTotals) add(mode Mode, res *sebs.ExecutionResult) {
	if res == nil || res.Billing.BilledTime == nil || (mode == ModeWarm && res.Stats.ColdStart) {
		return
	}
	p.calls++
	p.exec += float64(res.ProviderTimes.Execution) * float64(time.Microsecond)
	p.gbSeconds += res.Billing.GBSeconds
	if res.ProviderTimes.Initialization > 0 {
		p.inits++
		p.init += float64(res.ProviderTimes.Initialization) * float64(time.Microsecond)
	}
}

// report reports the provider metrics, when any call had provider times:
//
//	provider-exec-ns/call  mean execution time the platform reported (Lambda's REPORT Duration)
//	billed-gb-s/call       mean GB-seconds billed (billed seconds × memory GiB, as upstream computes them)
//	init-ns/start          mean initialization the platform reported (Init Duration) per cold call
func (p *providerTotals) report(b *testing.B) {
	if p.calls == 0 {
		return
	}
	b.ReportMetric(p.exec/float64(p.calls), "provider-exec-ns/call")
	b.ReportMetric(p.gbSeconds/float64(p.calls), "billed-gb-s/call")
	if p.inits > 0 {
		b.ReportMetric(p.init/float64(p.inits), "init-ns/start")
	}
}
