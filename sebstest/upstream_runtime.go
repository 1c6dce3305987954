package sebstest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/gosebs/sebs"
)

// upstreamTag matches the tag of upstream's local run images, run.local.<language>.<version>, with the SeBS
// version upstream appends ("-1.2.0") or without it.
var upstreamTag = regexp.MustCompile(`^run\.local\.(python|nodejs)\.([0-9]+(?:\.[0-9]+)*)(?:-.*)?$`)

// upstreamRuntime tells the language and version of a function run on an upstream local image: the language
// from the code package in codeDir (function/function.py or function/function.js, what upstream's server.py
// and server.js load), the version from the image's tag when it is one of upstream's
// (run.local.nodejs.18-1.2.0), otherwise that of our base image of the language. Both images take the same
// command and entrypoint contract, so the language changes only the function's config.
func upstreamRuntime(ref, codeDir string) (sebs.Language, string, error) {
	var found []sebs.Language
	for _, lang := range []sebs.Language{sebs.LanguagePython, sebs.LanguageNodeJS} {
		if _, err := os.Stat(filepath.Join(codeDir, filepath.FromSlash(entryFiles[lang]))); err == nil {
			found = append(found, lang)
		}
	}
	tagLang, tagVersion := sebs.Language(""), ""
	if i := strings.LastIndexByte(ref, ':'); i >= 0 && !strings.Contains(ref[i:], "/") {
		if m := upstreamTag.FindStringSubmatch(ref[i+1:]); m != nil {
			tagLang, tagVersion = sebs.Language(m[1]), m[2]
		}
	}
	var lang sebs.Language
	switch {
	case len(found) == 0:
		return "", "", fmt.Errorf("upstream function %s: no %s or %s: not a code package in upstream's layout",
			codeDir, entryFiles[sebs.LanguagePython], entryFiles[sebs.LanguageNodeJS])
	case len(found) == 1:
		lang = found[0]
	case tagLang != "":
		lang = tagLang
	default:
		return "", "", fmt.Errorf("upstream function %s: both %s and %s, and the tag of image %q does not say which "+
			"language it runs (upstream's tags are run.local.<language>.<version>): keep one of them",
			codeDir, entryFiles[sebs.LanguagePython], entryFiles[sebs.LanguageNodeJS], ref)
	}
	if tagLang != "" && tagLang != lang {
		return "", "", fmt.Errorf("upstream function %s: its code is %s but image %q runs %s: pass the image of the code's language",
			codeDir, lang, ref, tagLang)
	}
	if tagVersion != "" {
		return lang, tagVersion, nil
	}
	if lang == sebs.LanguageNodeJS {
		return lang, nodeVersion, nil
	}
	return lang, pythonVersion, nil
}
