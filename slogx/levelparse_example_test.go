package slogx_test

import (
	"fmt"

	"github.com/slogx/handlers/slogx"
)

// Levels are read by one rule: names in any case (slog's and Python's), slog's offsets,
// bare integers on slog's scale, and Python's numbers after "python:".
func ExampleParseLevel() {
	for _, s := range []string{"debug", "WARNING", "INFO+2", "8", "python:50"} {
		l, err := slogx.ParseLevel(s)
		fmt.Println(s, "->", l, err)
	}
	// Output:
	// debug -> DEBUG <nil>
	// WARNING -> WARN <nil>
	// INFO+2 -> INFO+2 <nil>
	// 8 -> ERROR <nil>
	// python:50 -> ERROR+4 <nil>
}
