package netsink

import (
	"log/slog"

	"github.com/slogx/handlers/netsink/internal/wire"
)

// DefaultMaxFrame is the largest frame, length prefix excluded, that Socket sends and Server
// accepts unless configured otherwise: 1 MiB.
const DefaultMaxFrame = 1 << 20

// The wire codec's own limit is this one.
var _ = [1]struct{}{}[DefaultMaxFrame-wire.DefaultMaxFrame]

// ErrFrameTooLarge is wrapped by the errors for a frame over the configured maximum, on the
// sending side (the record is dropped and counted) and on the receiving side (the
// connection is closed, since what follows the frame cannot be trusted).
var ErrFrameTooLarge = wire.ErrFrameTooLarge

// ErrMalformed is wrapped by every error of DecodeRecord and of the pickle decoder: the frame
// is not a valid record. The Server counts such frames and closes the connection.
var ErrMalformed = wire.ErrMalformed

// EncodeRecord appends the wire encoding of r to dst: the payload of one Socket or Datagram
// frame (a msgpack map, version 1, without the 4-byte length prefix), with no attributes but
// r's own. It and DecodeRecord are the way to carry records over a transport of one's own
// (a queue, a file) and read them back with the same guarantees as a Server.
//
// Values are encoded by kind: string, int64, uint64, float64 (NaN and infinities included),
// bool, time.Time (msgpack timestamp extension, nanoseconds kept), time.Duration (extension
// 1), groups, LogValuers (resolved). Values of kind Any: []byte as msgpack bin, errors as
// their Error() string, *slog.Source as a map, everything else as its JSON encoding
// (extension 2) or, when json.Marshal fails, as its fmt "%+v" string.
func EncodeRecord(dst []byte, r slog.Record) []byte { return wire.EncodeRecord(dst, r) }

// DecodeRecord decodes one record encoded by EncodeRecord or a Socket (a msgpack map,
// without the length prefix). The time, level and message are restored; the attrs come back
// as attributes of the record in their original order, groups as slog.Group values, a
// "source" field as a *slog.Source attribute named "source" (first), which slog's handlers
// print like their own AddSource output, and a value the sender logged as an arbitrary Go
// value as its JSON (a json.Marshaler, encoding.TextMarshaler and fmt.Stringer, so handlers
// print it as the sender's JSON handler would have). Unknown fields are ignored so that a
// newer sender can add fields; a record of another version ("v") is refused.
//
// Hostile input is safe: decoding allocates at most 8 bytes per byte of b plus 4 KiB
// (BudgetPerByte, BudgetSlack in the wire package), whatever the lengths inside claim —
// a map or array count is checked against the bytes actually present and never sizes an
// allocation beyond that budget — and nesting is limited to 32 levels. A valid frame
// denser than that (attributes of a few bytes each: 2 bytes on the wire become a 40-byte
// slog.Attr) is refused, with an error wrapping ErrMalformed, before the allocation that
// would exceed it; a record whose attributes take 13 bytes or more each on the wire (a
// 9-character key and a small integer) fits (TestDecodeRecordBudgetKeepsRealRecords).
// Errors wrap ErrMalformed. b is not retained.
func DecodeRecord(b []byte) (slog.Record, error) { return wire.DecodeRecord(b) }
