package config

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Load reads the dictConfig document at path — JSON for a .json name, YAML for .yaml and
// .yml, otherwise JSON if it starts with '{' and YAML if not — and builds it as Parse does,
// with the package's registry (see Register). Errors name the file and the place. A
// document larger than MaxDocumentSize is refused before it is read.
func Load(path string) (*Logging, error) { return LoadWith(path, Options{}) }

// Parse builds the dictConfig document data (JSON if it starts with '{', YAML otherwise):
// it opens every handler and returns the Logging, or an error naming the first problem's
// place ("config: handlers.rot.maxBytes: want an integer, got \"10MB\""), having closed
// whatever it opened. Nothing is checked later: a document that loads logs. A document
// larger than MaxDocumentSize is refused.
func Parse(data []byte) (*Logging, error) { return ParseWith(data, Options{}) }

// Load is the package-level Load with r's factories.
func (r *Registry) Load(path string) (*Logging, error) {
	return LoadWith(path, Options{Registry: r})
}

// Parse is the package-level Parse with r's factories.
func (r *Registry) Parse(data []byte) (*Logging, error) {
	return ParseWith(data, Options{Registry: r})
}

// LoadWith is Load with options.
func LoadWith(path string, o Options) (*Logging, error) {
	doc, err := readDocument(path, o.maxSize())
	if err == nil {
		var l *Logging
		if l, err = newBuilder(o).build(doc); err == nil {
			return l, nil
		}
	}
	return nil, &fileError{path: path, err: err}
}

// ParseWith is Parse with options.
func ParseWith(data []byte, o Options) (*Logging, error) {
	doc, err := decodeLimited(data, o.maxSize())
	if err != nil {
		return nil, err
	}
	return newBuilder(o).build(doc)
}

// readDocument reads and decodes the document at path, refusing one larger than limit
// before reading it (a regular file's size) or as soon as it passes the limit (a pipe).
func readDocument(path string, limit int64) (map[string]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > limit {
		return nil, tooLarge(fi.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(-1, limit)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return decodeJSON(data)
	case ".yaml", ".yml":
		return decodeYAML(data)
	}
	return decode(data)
}

func decodeLimited(data []byte, limit int64) (map[string]any, error) {
	if int64(len(data)) > limit {
		return nil, tooLarge(int64(len(data)), limit)
	}
	return decode(data)
}

func tooLarge(size, limit int64) error {
	if size < 0 {
		return fmt.Errorf("config: the document is larger than the limit of %d bytes (Options.MaxSize)", limit)
	}
	return fmt.Errorf("config: the document has %d bytes, more than the limit of %d (Options.MaxSize)", size, limit)
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
