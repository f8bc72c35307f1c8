package attrtree_test

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/slogx/handlers/internal/attrtree"
)

func ExampleScope() {
	// A Scope walks attributes like the JSON and Text encoders do, for encoders that build
	// their output from a tree (msgpack maps, syslog structured data).
	s := attrtree.New(nil).WithAttrs([]slog.Attr{slog.Int("a", 1)}).WithGroup("g")
	r := slog.NewRecord(time.Time{}, slog.LevelInfo, "m", 0)
	r.AddAttrs(slog.Int("b", 2), slog.Group("empty"))
	fmt.Println(s.Attrs(r))
	// Output: [a=1 g=[b=2]]
}
