// Package httpsink posts log/slog records to a web server: Python's HTTPHandler, whose
// urlencoded record dict (Python) a Python or PHP endpoint reads as it reads CPython's, or
// one JSON object per request (JSON), or batches of JSON lines (NDJSON).
//
//	h, err := httpsink.New(httpsink.Options{URL: "https://logs.example.com/ingest",
//		Format: httpsink.NDJSON}, nil)
//	if err != nil {
//		return err
//	}
//	defer h.Close()
//	slog.SetDefault(slog.New(h))
//
// A log call never waits for the server: records go through a bounded buffer to one sender
// goroutine (netsink.Delivery configures it) that sends requests in order and retries
// network errors and 5xx responses on Python's backoff; a 4xx response refuses the batch.
// Credentials over plain http are refused, redirects are not followed, and what is read of
// a response is bounded. New validates everything and does not connect.
package httpsink
