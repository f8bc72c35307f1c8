package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Load reads the dictConfig document at path — JSON for a .json name, YAML for .yaml and
// .yml, otherwise JSON if it starts with '{' and YAML if not — and builds it as Parse does,
// with the package's registry (see Register). Errors name the file and the place.
func Load(path string) (*Logging, error) { return defaultRegistry.Load(path) }

// Parse builds the dictConfig document data (JSON if it starts with '{', YAML otherwise):
// it opens every handler and returns the Logging, or an error naming the first problem's
// place ("config: handlers.rot.maxBytes: want an integer, got \"10MB\""), having closed
// whatever it opened. Nothing is checked later: a document that loads logs.
func Parse(data []byte) (*Logging, error) { return defaultRegistry.Parse(data) }

// Load is the package-level Load with r's factories.
func (r *Registry) Load(path string) (*Logging, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var doc map[string]any
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		doc, err = decodeJSON(data)
	case ".yaml", ".yml":
		doc, err = decodeYAML(data)
	default:
		doc, err = decode(data)
	}
	if err == nil {
		var l *Logging
		if l, err = r.build(doc); err == nil {
			return l, nil
		}
	}
	return nil, &fileError{path: path, err: err}
}

// Parse is the package-level Parse with r's factories.
func (r *Registry) Parse(data []byte) (*Logging, error) {
	doc, err := decode(data)
	if err != nil {
		return nil, err
	}
	return r.build(doc)
}

// fileError puts the file name after "config: " in an error from a document.
type fileError struct {
	path string
	err  error
}

func (e *fileError) Error() string {
	return "config: " + e.path + ": " + strings.TrimPrefix(e.err.Error(), "config: ")
}

func (e *fileError) Unwrap() error { return e.err }
