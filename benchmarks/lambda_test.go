package benchmarks

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest"
)

// langGoLambda is the suite's language level of the Go fixtures written as AWS Lambda functions
// (fixtures/lambda/go), run under AWS's Runtime Interface Emulator: lang=go-lambda beside lang=go, so that
// benchstat -col /lang puts our runtime and the emulator side by side.
const langGoLambda = "go-lambda"

// lambdaFlag adds the go-lambda level to the suite.
var lambdaFlag = flag.Bool("sebs.lambda", true, "also benchmark the Go fixtures as AWS Lambda functions under the emulator (lang=go-lambda)")

// suiteHas says whether the suite runs fixture bm in lang: a language of the catalogue, or go-lambda for a
// fixture that has a Go Lambda version.
func suiteHas(bm fixtures.Benchmark, lang string) bool {
	if lang == langGoLambda {
		_, err := lambdaSource(bm.Name)
		return err == nil
	}
	return slices.Contains(bm.Languages, lang)
}

// suiteSource returns the source of fixture name in the suite's language lang, and the function's language.
func suiteSource(name, lang string) (sebs.Language, sebstest.Source, error) {
	if lang == langGoLambda {
		dir, err := lambdaSource(name)
		return sebs.LanguageGo, sebstest.LambdaFunction(dir), err
	}
	language, err := sebs.ParseLanguage(lang)
	return language, sebstest.Fixture(name, language), err
}

// lambdaSource returns the directory of fixture name as a Go Lambda function.
func lambdaSource(name string) (string, error) {
	root, err := fixtures.Root()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "lambda", "go", name)
	if _, err := os.Stat(filepath.Join(dir, "main.go")); err != nil {
		return "", fmt.Errorf("fixture %q has no Go Lambda version in %s: %w", name, dir, err)
	}
	return dir, nil
}

// withLambda adds the go-lambda level to c when the flag asks for it.
func withLambda(c config) config {
	if *lambdaFlag {
		c.languages = append(c.languages, langGoLambda)
	}
	return c
}
