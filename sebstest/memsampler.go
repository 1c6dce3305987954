package sebstest

import "context"

// newSampler starts a memory sampler on one of the function's containers, through the function's own
// Docker client.
func (f *Function) newSampler(ctx context.Context, id string) (sampler, error) {
	return newMemorySampler(ctx, f.s.cli, id, f.s.memInterval)
}
