package config

import (
	"fmt"
	"slices"
	"strconv"
)

// errorf formats an error about a place in the document: "config: <path>: <message>".
func errorf(path, format string, args ...any) error {
	return fmt.Errorf("config: %s: %s", path, fmt.Sprintf(format, args...))
}

func quote(s string) string              { return strconv.Quote(s) }
func itoa(i int) string                  { return strconv.Itoa(i) }
func contains(l []string, s string) bool { return slices.Contains(l, s) }
func sortStrings(l []string)             { slices.Sort(l) }
