// Package smtp mails log/slog records: Python's SMTPHandler, with STARTTLS or implicit TLS,
// AUTH PLAIN, a subject template over the record, and optional batching of the records of an
// interval into one mail.
//
//	h, err := smtp.New(smtp.Options{Addr: "mail.example.com:587", StartTLS: true,
//		Username: "app", Password: pw, From: "app@example.com", To: []string{"ops@example.com"},
//		Subject: "[app] {{.LevelName}}: {{.Message}}"}, &slogx.Options{Level: slog.LevelError})
//	if err != nil {
//		return err
//	}
//	defer h.Close()
//
// A log call never waits for the mail server: records go through a bounded buffer to one
// sender goroutine (netsink.Delivery configures it) that retries network errors and
// transient replies on Python's backoff; a permanent reply refuses the mail. Headers cannot
// be injected: addresses are checked at construction and neither the subject nor any
// attribute can put a line break into a header. Credentials are never sent in clear text
// unless AllowInsecureAuth says so. New validates everything and does not connect.
package smtp
