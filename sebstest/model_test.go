package sebstest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gosebs/sebs"
)

// TestModelNamesAndRuntime: a config naming only the language gets the source's version (results files
// name the runtime); an upstream image's function is named after WithBenchmark's benchmark.
func TestModelNamesAndRuntime(t *testing.T) {
	s, err := newSettings(nil)
	assert.NoError(t, err)
	s.config, s.configSet = sebs.FunctionConfig{Runtime: sebs.Runtime{Language: sebs.LanguageGo}}, true
	f := &Function{s: s, spec: spec{name: "img", language: sebs.LanguageGo, version: "1.26.0"}}
	assert.Equal(t, sebs.Runtime{Language: sebs.LanguageGo, Version: "1.26.0", Variant: "default"}, f.model().Config.Runtime)

	s.benchmark = "110.dynamic-html"
	assert.Equal(t, "img", f.model().Name, "other sources keep their name")
	f.spec.nameByBenchmark = true
	assert.Equal(t, "110.dynamic-html", f.model().Name)
	s.name = "mine"
	assert.Equal(t, "mine", f.model().Name, "WithName wins")
}
