package netsink

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/netsink/internal/wire"
)

// The wire encoder turns a self-containing value into a bounded record with a marker, and
// the record decodes.
func TestMsgpackSurvivesCycles(t *testing.T) {
	nettest.EncoderSurvivesCycles(t, wire.New(), nil, func(t *testing.T, out []byte) {
		d, err := wire.DecodeRecord(out)
		if err != nil {
			t.Fatal(err)
		}
		d.Attrs(func(a slog.Attr) bool {
			if s := a.Value.String(); a.Key == "v" && !strings.Contains(s, "!CYCLE") && !strings.Contains(s, "0x") {
				t.Errorf("decoded %s=%s", a.Key, s)
			}
			return true
		})
	})
}
