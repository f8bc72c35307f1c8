package smtp

import (
	"log/slog"
	"testing"
	"text/template"
	"time"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/netsink/internal/nettest"
)

// The subject template and the body survive a self-containing attribute.
func TestSMTPSurvivesCycles(t *testing.T) {
	nettest.EncoderSurvivesCycles(t, newSMTPEncoder(template.Must(template.New("s").Parse(`{{.Attr "v"}}`)), nil), nil, nil)
}

// TestSMTPAttrCycle: a subject template naming a self-containing attribute.
func TestSMTPAttrCycle(t *testing.T) {
	m := testutil.CyclicValues()["map"]
	r := Record{rec: slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0)}
	r.rec.AddAttrs(slog.Any("v", m))
	r.scope = newSMTPEncoder(template.Must(template.New("s").Parse("")), nil).scope
	if got := r.Attr("v"); got != "map[k:1 self:map[!CYCLE]]" {
		t.Fatalf("Attr = %q", got)
	}
}
