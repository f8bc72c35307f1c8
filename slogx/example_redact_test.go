package slogx_test

import (
	"log/slog"
	"os"

	"github.com/slogx/handlers/slogx"
)

// credentials logs every field: its LogValue does not hide the password.
type credentials struct{ User, Password string }

func (c credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("user", c.User), slog.String("password", c.Password))
}

// Redact hides the values of named keys at any depth, whatever their case, also inside what
// a LogValuer returns.
func ExampleRedact() {
	logger := slog.New(slogx.NewHandler(os.Stdout, &slogx.Options{
		Encoder: slogx.Text(),
		// noTime removes the time, so that the output below is stable.
		ReplaceAttr: slogx.ChainReplace(slogx.Redact("password", "authorization"), noTime),
	}))
	logger.Info("login", "creds", credentials{"ana", "hunter2"},
		slog.Group("req", slog.Group("headers", slog.String("Authorization", "Bearer abc"))))
	// Output:
	// level=INFO msg=login creds.user=ana creds.password=[REDACTED] req.headers.Authorization=[REDACTED]
}

// ChainReplace makes one ReplaceAttr of several: here redaction, then removing the time so
// the output is stable.
func ExampleChainReplace() {
	logger := slog.New(slogx.NewHandler(os.Stdout, &slogx.Options{
		Encoder:     slogx.Text(),
		ReplaceAttr: slogx.ChainReplace(slogx.Redact("token"), noTime),
	}))
	logger.Info("refreshed", "Token", "abc", "expires_in", 3600)
	// Output:
	// level=INFO msg=refreshed Token=[REDACTED] expires_in=3600
}
