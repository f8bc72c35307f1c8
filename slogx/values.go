// Portions adapted from the Go standard library's log/slog and encoding/json,
// Copyright The Go Authors, BSD-style license.

package slogx

import (
	"bytes"
	"encoding"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/bits"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/slogx/handlers/internal/anyfmt"
	"github.com/slogx/handlers/internal/attrwalk"
	"github.com/slogx/handlers/internal/buffer"
	"github.com/slogx/handlers/internal/jsonstr"
	"github.com/slogx/handlers/internal/swar"
)

// appendJSONValue appends v as slog.JSONHandler does.
func appendJSONValue(b []byte, v slog.Value) []byte {
	if k := v.Kind(); attrwalk.PlainKind(k) {
		return appendJSONPlain(b, v, k)
	}
	return appendJSONAny(b, v.Any())
}

// appendJSONPlain appends v, of kind k (an attrwalk.PlainKind), as slog.JSONHandler does.
// The caller has computed k: see state.appendAttr.
func appendJSONPlain(b []byte, v slog.Value, k slog.Kind) []byte {
	switch k {
	case slog.KindString:
		return jsonstr.Append(b, v.String())
	case slog.KindInt64:
		return appendInt(b, v.Int64())
	case slog.KindUint64:
		return appendUint(b, v.Uint64())
	case slog.KindFloat64:
		return appendJSONFloat(b, v.Float64())
	case slog.KindBool:
		return appendBool(b, v.Bool())
	case slog.KindDuration:
		return appendInt(b, int64(v.Duration()))
	default: // KindTime
		return appendJSONTime(b, v.Time(), nil)
	}
}

// appendBool appends true or false, as strconv.AppendBool does, with byte appends rather
// than a copy call.
func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 't', 'r', 'u', 'e')
	}
	return append(b, 'f', 'a', 'l', 's', 'e')
}

// appendJSONKey appends an attribute's key, quoted and escaped, and the colon, after a comma
// if comma.
func appendJSONKey(b []byte, comma bool, key string) []byte {
	if comma {
		return jsonstr.AppendMember(b, key)
	}
	b = jsonstr.Append(b, key)
	return append(b, ':')
}

// appendJSONAny handles user values; only these can panic (a nil receiver in MarshalJSON or
// Error), so only they pay for the recover.
func appendJSONAny(b []byte, a any) (out []byte) {
	n := len(b)
	defer func() {
		if r := recover(); r != nil {
			out = appendPanic(b[:n], r, a, true)
		}
	}()
	if l, ok := a.(slog.Level); ok {
		// What slog.Level's MarshalJSON writes, without its strconv.Quote allocation: the
		// level reaches here as an Any whenever a ReplaceAttr is set, so every record paid it.
		// A level's text is plain ASCII, so quoting it is adding the quotes.
		b = append(b, '"')
		b = append(b, l.String()...)
		return append(b, '"')
	}
	_, jm := a.(json.Marshaler)
	if err, ok := a.(error); ok && !jm {
		b = append(b, '"')
		b = jsonstr.AppendEscaped(b, err.Error())
		return append(b, '"')
	}
	b2, err := appendJSONMarshal(b, a)
	if err != nil {
		return appendErrorString(b[:n], err, true)
	}
	return b2
}

func appendPanic(b []byte, r, a any, isJSON bool) []byte {
	// A nil pointer panic most likely comes from a TextMarshaler or error that does not
	// guard against nil: print "<nil>", as fmt does.
	msg := "<nil>"
	if v := reflect.ValueOf(a); !(v.Kind() == reflect.Pointer && v.IsNil()) {
		msg = fmt.Sprintf("!PANIC: %v", r)
	}
	return appendAnyString(b, msg, isJSON)
}

func appendErrorString(b []byte, err error, isJSON bool) []byte {
	return appendAnyString(b, "!ERROR:"+err.Error(), isJSON)
}

func appendAnyString(b []byte, s string, isJSON bool) []byte {
	if isJSON {
		b = append(b, '"')
		b = jsonstr.AppendEscaped(b, s)
		return append(b, '"')
	}
	return appendTextString(b, s)
}

// appendJSONFloat formats f exactly as encoding/json does, without its allocations. NaN and
// infinities are not JSON; slog prints json.Marshal's error for them, and so do we.
func appendJSONFloat(b []byte, f float64) []byte {
	// encoding/json's positional range is [1e-6, 1e21); NaN and infinities never take the
	// short path.
	if b2, ok := appendShortDecimal(b, f, 1e-6, 1e9); ok {
		return b2
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return appendErrorString(b, &json.UnsupportedValueError{
			Value: reflect.ValueOf(f), Str: strconv.FormatFloat(f, 'g', -1, 64)}, true)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendShortDecimal appends f as strconv.AppendFloat(b, f, 'f', -1, 64) does when f is
// zero or its magnitude is at least lo and is a decimal of at most six fractional digits and
// fifteen significant digits (0.5, 3.25, 12.125, 100): most floats that programs log.
// Otherwise it returns ok false and the caller formats f in full (about 300 instructions of
// strconv's shortest-digits search; this path costs a few dozen).
//
// Why the digits are strconv's: n = round(|f|·10⁶) is computed exactly enough (its error
// is below 0.25 for n < 10¹⁵), and n/10⁶ == |f| in float64 (10⁶ and n are exact, the
// division is correctly rounded) means the decimal n·10⁻⁶ parses back to f. Two decimals of
// at most 15 significant digits never parse to the same float64 (DBL_DIG), so no other
// decimal that short round-trips, and strconv's shortest one, which is no longer, is this
// one. Callers pass [lo, hi) within the range where their strconv format is positional;
// hi is at most 10⁹ (so that n < 10¹⁵).
func appendShortDecimal(b []byte, f float64, lo, hi float64) (_ []byte, ok bool) {
	if f == 0 {
		if math.Signbit(f) {
			return append(b, '-', '0'), true
		}
		return append(b, '0'), true
	}
	a := f
	if a < 0 {
		a = -a
	}
	if !(a >= lo && a < hi) { // NaN too
		return b, false
	}
	m := a * 1e6
	n := uint64(m + 0.5)
	if float64(n)/1e6 != a {
		return b, false
	}
	if f < 0 {
		b = append(b, '-')
	}
	if ip := n / 1e6; ip < 10 {
		b = append(b, byte('0'+ip)) // the usual integer part: no call
	} else {
		b = appendUint(b, ip)
	}
	frac := uint32(n % 1e6)
	if frac == 0 {
		return b, true
	}
	// Six fractional digits computed at once (digits8 gives eight, the first two '0'),
	// stored after the point and cut after the last non-zero one: two stores, no copy call.
	at := len(b)
	b = slices.Grow(b, 9)
	d := (*[9]byte)(b[at : at+9])
	w := digits8(frac)
	d[0] = '.'
	binary.LittleEndian.PutUint64(d[1:], w>>16)
	return b[:at+7-bits.LeadingZeros64(w-ascii0s)/8], true
}

// appendJSONTime appends t as time.Time.MarshalJSON does, without allocating. A non-nil tc
// caches the formatted second; only the record's own time uses it, since attribute times
// would evict it on every record.
func appendJSONTime(b []byte, t time.Time, tc *timeCache) []byte {
	if tc != nil {
		if e := tc.entry(t); e != nil {
			b = append(b, '"')
			b = e.appendRFC3339Nano(b, t)
			return append(b, '"')
		}
	}
	if y := t.Year(); y < 0 || y >= 10000 {
		b = appendErrorString(b, errors.New("time.Time year outside of range [0,9999]"), true)
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

type jsonEncoder struct {
	buf  *bytes.Buffer
	json *json.Encoder
}

var jsonEncoderPool = sync.Pool{New: func() any {
	enc := &jsonEncoder{buf: new(bytes.Buffer)}
	enc.json = json.NewEncoder(enc.buf)
	enc.json.SetEscapeHTML(false) // slog does not escape HTML
	return enc
}}

func appendJSONMarshal(b []byte, v any) ([]byte, error) {
	j := jsonEncoderPool.Get().(*jsonEncoder)
	defer func() {
		if j.buf.Cap() > buffer.MaxPooled {
			return
		}
		j.buf.Reset()
		jsonEncoderPool.Put(j)
	}()
	if err := j.json.Encode(v); err != nil {
		return b, err
	}
	bs := j.buf.Bytes()
	return append(b, bs[:len(bs)-1]...), nil // drop Encode's newline
}

// appendTextValue appends v as slog.TextHandler does.
func appendTextValue(b []byte, v slog.Value) []byte {
	switch v.Kind() {
	case slog.KindString:
		return appendTextString(b, v.String())
	case slog.KindTime:
		return appendRFC3339MillisSlow(b, v.Time())
	case slog.KindInt64:
		return appendInt(b, v.Int64())
	case slog.KindUint64:
		return appendUint(b, v.Uint64())
	case slog.KindFloat64:
		return appendTextFloat(b, v.Float64())
	case slog.KindBool:
		return appendBool(b, v.Bool())
	case slog.KindDuration:
		return appendDuration(b, v.Duration())
	default:
		return appendTextAny(b, v.Any())
	}
}

// appendTextFloat appends f as strconv.AppendFloat(b, f, 'g', -1, 64), as slog.TextHandler
// does. 'g' with the shortest digits is positional for decimal exponents from -4 to 5, so
// short decimals in [1e-4, 1e6) take appendShortDecimal's path.
func appendTextFloat(b []byte, f float64) []byte {
	if b2, ok := appendShortDecimal(b, f, 1e-4, 1e6); ok {
		return b2
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

func appendTextAny(b []byte, a any) (out []byte) {
	n := len(b)
	defer func() {
		if r := recover(); r != nil {
			out = appendPanic(b[:n], r, a, false)
		}
	}()
	if l, ok := a.(slog.Level); ok {
		return appendTextString(b, l.String()) // MarshalText's text, without its []byte
	}
	if tm, ok := a.(encoding.TextMarshaler); ok {
		data, err := tm.MarshalText()
		if err != nil {
			return appendErrorString(b, err, false)
		}
		return appendTextString(b, string(data))
	}
	if bs, ok := byteSlice(a); ok {
		return strconv.AppendQuote(b, string(bs))
	}
	return appendTextString(b, anyfmt.Sprint(a, true))
}

// byteSlice returns a as a []byte if its underlying type is one.
func byteSlice(a any) ([]byte, bool) {
	if bs, ok := a.([]byte); ok {
		return bs, true
	}
	t := reflect.TypeOf(a)
	if t != nil && t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
		return reflect.ValueOf(a).Bytes(), true
	}
	return nil, false
}

// appendTextString appends s bare or quoted, exactly as slog.TextHandler does. Printable ASCII
// (the common case, messages with spaces included) is classified in one table-driven pass and
// quoted by wrapping; anything else takes slog's own path.
func appendTextString(b []byte, s string) []byte {
	// Strings of 4 bytes or more are classified a word at a time (see textScan); keys and
	// short values, 4 to 8 bytes, as one word of two overlapping halves, here, without a call.
	plain, quote := false, false
	if n := len(s); n >= 4 && n <= 8 {
		lo, hi := swar.Load4(s), swar.Load4(s[n-4:])
		w := uint64(lo) | uint64(hi)<<32
		plain, quote = textPlain8(w), textQuote8(w) != 0
		if plain && !quote {
			// The usual key: the two halves stored as they are, no copy call.
			at := len(b)
			b = slices.Grow(b, n)[:at+n]
			binary.LittleEndian.PutUint32(b[at:], lo)
			binary.LittleEndian.PutUint32(b[at+n-4:], hi)
			return b
		}
	} else if n > 8 {
		quote, plain = textScan(s)
	}
	if plain {
		if !quote {
			return append(b, s...)
		}
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	quote, wrap := len(s) == 0, true
	for i := 0; i < len(s); i++ {
		switch textClass[s[i]] {
		case textBare:
		case textQuote:
			quote = true
		case textBackslash:
			wrap = false // bare it stays as is; quoted, strconv must escape it
		default:
			if needsQuoting(s) {
				return strconv.AppendQuote(b, s)
			}
			return append(b, s...)
		}
	}
	switch {
	case !quote:
		return append(b, s...)
	case wrap:
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	return strconv.AppendQuote(b, s)
}

// textScan classifies s, of 8 bytes or more, a word at a time (see internal/swar), the way
// appendTextString's table does byte by byte: ok reports that every byte is printable ASCII
// other than '"' and '\\' (textBare or textQuote), and then quote that one of them is ' '
// or '='. The words are read in order, the last overlapping the one before. A word costs
// what two or three bytes cost in the table loop.
func textScan(s string) (quote, ok bool) {
	n := len(s)
	var q uint64
	for i := 0; i < n; i += 8 {
		w := swar.Load8(s[min(i, n-8):])
		if !textPlain8(w) {
			return false, false
		}
		q |= textQuote8(w)
	}
	return q != 0, true
}

// textPlain8 reports whether every byte of w is printable ASCII (0x20 to 0x7e) other than
// '"' and '\\'.
func textPlain8(w uint64) bool {
	const ones, highs = swar.Ones, swar.Highs
	// w+ones sets a byte's high bit from 0x7f up (the carry of a byte from 0x80 up only
	// matters when w has a high bit already, and then the answer is no anyway).
	q, bs := w^(ones*'"'), w^(ones*'\\')
	return (w|(w+ones)|(w-ones*0x20)&^w|(q-ones)&^q|(bs-ones)&^bs)&highs == 0
}

// textQuote8 is non-zero when a byte of w is ' ' or '=', which make slog quote a string.
func textQuote8(w uint64) uint64 {
	const ones, highs = swar.Ones, swar.Highs
	sp, eq := w^(ones*' '), w^(ones*'=')
	return ((sp-ones)&^sp | (eq-ones)&^eq) & highs
}

const (
	textOther     = iota // control, '"', non-ASCII: decided by needsQuoting and strconv
	textBare             // printable ASCII needing no quotes
	textQuote            // space and '=': force quotes, print as is inside them
	textBackslash        // no quotes needed, but escaped inside quotes
)

var textClass = func() (t [256]uint8) {
	for c := 0x21; c < 0x7f; c++ {
		t[c] = textBare
	}
	t[' '], t['='], t['"'], t['\\'] = textQuote, textQuote, textOther, textBackslash
	return t
}()

func appendTextTwoStrings(b []byte, x, y string) []byte {
	if !needsQuoting(x) && !needsQuoting(y) {
		b = append(b, x...)
		return append(b, y...)
	}
	return strconv.AppendQuote(b, x+y)
}

func needsQuoting(s string) bool {
	if len(s) == 0 {
		return true
	}
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			// Quote anything a JSON string would escape except backslash, plus space and '='.
			if b != '\\' && (b == ' ' || b == '=' || !jsonstr.Plain(b)) {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
}

// sourceText is slog.Source's text form, file:line.
func sourceText(s *slog.Source) string {
	return s.File + ":" + strconv.Itoa(s.Line)
}
