package sebsdir

import (
	"errors"
	"fmt"
	"slices"

	"github.com/gosebs/sebs"
)

// Service is a platform service a benchmark may need beyond a function container.
type Service string

// The services upstream's benchmarks use. gosebs provides object storage (sebstest.WithStorage), not NoSQL.
const (
	// ObjectStorage is upstream's "storage" module: buckets (minio in upstream's local platform).
	ObjectStorage Service = "storage"
	// NoSQL is upstream's "nosql" module: tables (ScyllaDB or DynamoDB local in upstream's).
	NoSQL Service = "nosql"
)

// Errors a benchmark that cannot run here matches with errors.Is.
var (
	// ErrNeedsStorage: the benchmark needs object storage.
	ErrNeedsStorage = errors.New("needs object storage")
	// ErrNeedsNoSQL: the benchmark needs a NoSQL store.
	ErrNeedsNoSQL = errors.New("needs a NoSQL store")
	// ErrNoCode: the benchmark has no code in the language asked for.
	ErrNoCode = errors.New("no code in this language")
	// ErrLanguage: sebsdir cannot lay out code in this language yet.
	ErrLanguage = errors.New("language not supported by sebsdir")
)

// Need is a service a benchmark needs, and why that was concluded.
type Need struct {
	Service Service
	// Reason says where the need was read: config.json's modules, input.py's buckets_count or
	// allocate_nosql, or a call of the storage functions while generating the input.
	Reason string
}

// Err returns the need as an error that matches [ErrNeedsStorage] or [ErrNeedsNoSQL].
func (n Need) Err(benchmark string) error {
	if n.Service == NoSQL {
		return fmt.Errorf("benchmark %s %w (%s); gosebs provides no NoSQL store, so it cannot run this benchmark", benchmark, ErrNeedsNoSQL, n.Reason)
	}
	return fmt.Errorf("benchmark %s %w (%s); run it with object storage (sebstest.WithStorage, and its inputs stored by sebstest's Storage.PrepareDir)", benchmark, ErrNeedsStorage, n.Reason)
}

// inferNeeds reads the needs from config.json's modules and input.py's source, as upstream decides them:
// a benchmark uses storage when buckets_count() asks for any bucket, NoSQL when input.py has
// allocate_nosql; config.json's modules say the same for the deployment packages.
func inferNeeds(c Config, in InputFile) []Need {
	var needs []Need
	var storage, nosql []string
	if slices.Contains(c.Modules, string(ObjectStorage)) {
		storage = append(storage, `config.json's modules lists "storage"`)
	}
	switch {
	case in.Buckets != nil && (in.Buckets[0] > 0 || in.Buckets[1] > 0):
		storage = append(storage, fmt.Sprintf("input.py's buckets_count() returns (%d, %d)", in.Buckets[0], in.Buckets[1]))
	case in.BucketsCount && in.Buckets == nil:
		storage = append(storage, "input.py has a buckets_count() whose result is not a literal (0, 0)")
	}
	if slices.Contains(c.Modules, string(NoSQL)) {
		nosql = append(nosql, `config.json's modules lists "nosql"`)
	}
	if in.AllocateNoSQL {
		nosql = append(nosql, "input.py defines allocate_nosql()")
	}
	if len(storage) > 0 {
		needs = append(needs, Need{Service: ObjectStorage, Reason: joinReasons(storage)})
	}
	if len(nosql) > 0 {
		needs = append(needs, Need{Service: NoSQL, Reason: joinReasons(nosql)})
	}
	return needs
}

func joinReasons(r []string) string {
	out := r[0]
	for _, s := range r[1:] {
		out += "; " + s
	}
	return out
}

// Runnable returns nil when gosebs can run the benchmark in lang with the services provided: it has code in
// lang, sebsdir can lay out lang (Python only, for now), and every service it needs is among provided
// (pass [ObjectStorage] when the caller starts the function with storage; none means no service).
// Otherwise it returns every reason, each matching one of [ErrNoCode], [ErrLanguage], [ErrNeedsStorage],
// [ErrNeedsNoSQL].
func (b *Benchmark) Runnable(lang sebs.Language, provided ...Service) error {
	var errs []error
	switch {
	case !b.HasCode(lang):
		errs = append(errs, fmt.Errorf("benchmark %s: %w %s (config.json languages %v, code directories %v)", b.Name, ErrNoCode, lang, b.languageNames(), b.Code))
	case lang != sebs.LanguagePython:
		errs = append(errs, fmt.Errorf("benchmark %s: %w: %s (sebsdir lays out python only)", b.Name, ErrLanguage, lang))
	}
	for _, n := range b.Needs {
		if !slices.Contains(provided, n.Service) {
			errs = append(errs, n.Err(b.Name))
		}
	}
	return errors.Join(errs...)
}

// Need returns the benchmark's need of service s and whether it has one.
func (b *Benchmark) Need(s Service) (Need, bool) {
	for _, n := range b.Needs {
		if n.Service == s {
			return n, true
		}
	}
	return Need{}, false
}

func (b *Benchmark) languageNames() []sebs.Language {
	out := make([]sebs.Language, len(b.Config.Languages))
	for i, l := range b.Config.Languages {
		out[i] = l.Language
	}
	return out
}
