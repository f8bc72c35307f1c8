package forwardtest_test

import (
	"log/slog"
	"testing"

	"github.com/slogx/handlers/netsink/forward"
	"github.com/slogx/handlers/netsink/forward/forwardtest"
	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/netsink/otlp"
	"github.com/slogx/handlers/netsink/otlp/otlptest"
	"github.com/slogx/handlers/slogx"
)

func placeOrder(lg *slog.Logger, order int) { lg.Info("order placed", "order", order) }

// TestOrderLogs is the README's cookbook entry for the test peers, as written there.
func TestOrderLogs(t *testing.T) {
	nettest.NoLeak(t)
	fluent := forwardtest.NewServer(t, forwardtest.Options{})
	col := otlptest.NewReceiver(t, otlptest.Options{})
	col.Respond(1, otlptest.Response{Status: 503, RetryAfter: "0"}) // the first export is refused
	fwd, _ := forward.New(fluent.Addr(), forward.Options{Tag: "shop"}, nil)
	exp, _ := otlp.New(otlp.Options{URL: col.URL()}, nil)
	t.Cleanup(func() { fwd.Close(); exp.Close() })
	placeOrder(slog.New(slogx.Fanout(fwd, exp)), 1042)

	if e := fluent.WaitEntries(1)[0]; e.Tag != "shop" || e.Record["order"] != int64(1042) {
		t.Errorf("forward got %+v", e)
	}
	if r := col.WaitRecords(1)[0]; r.SeverityText != "INFO" || r.Attributes["order"] != int64(1042) {
		t.Errorf("otlp got %+v", r) // sent again after the 503: col.Requests() shows both
	}
	if reqs := col.Requests(); len(reqs) != 2 || reqs[0].Status != 503 || reqs[1].Status != 200 {
		t.Errorf("requests %+v", reqs)
	}
}
