package sebsdir_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebsdir"
)

// How a harness runs a SeBS benchmark directory: refuse what needs storage, lay out the code, get the
// input for a size from the directory's generate_input, call the function (here: a stand-in), check the
// output with the directory's validate_output.
func Example() {
	ctx := context.Background()
	b, err := sebsdir.Parse("fixtures/upstream/902.echo")
	if err != nil {
		log.Fatal(err)
	}
	if err := b.Runnable(sebs.LanguagePython); errors.Is(err, sebsdir.ErrNeedsStorage) || errors.Is(err, sebsdir.ErrNeedsNoSQL) {
		fmt.Println("skipped:", err)
		return
	} else if err != nil {
		log.Fatal(err)
	}
	pkg, err := b.Layout(ctx, sebs.LanguagePython, "") // mount pkg.Dir at /function
	if err != nil {
		log.Fatal(err)
	}
	defer pkg.Remove()
	cfg := b.FunctionConfig(sebs.Runtime{Language: sebs.LanguagePython, Version: "3.11"}) // timeout, memory

	s, err := sebsdir.Open(ctx, b, sebsdir.Options{Image: "sebs-python:<recipe hash>"})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	input, err := s.GenerateInput(ctx, fixtures.SizeSmall)
	if err != nil {
		log.Fatal(err)
	}
	output := callFunction(pkg.Dir, cfg, input) // the handler's return value (result.output)
	if err := s.Validate(ctx, sebs.LanguagePython, input, output); err != nil {
		log.Fatal(err) // a *sebsdir.ValidationError carries the validator's message
	}
}

// callFunction stands for starting a function container on the package and invoking it.
func callFunction(dir string, cfg sebs.FunctionConfig, input []byte) []byte { return nil }
