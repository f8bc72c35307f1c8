package smtp

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// smtpMaxSubject is the longest subject kept, in runes.
const smtpMaxSubject = 200

// smtpMaxSubjectBytes bounds the encoded subject, so that "Subject: " and it stay one header
// line within RFC 5322's 998 octets: we never fold, so no CR or LF is ever inside a header.
const smtpMaxSubjectBytes = 900

// smtpCleanSubject makes s safe for a Subject header: invalid UTF-8 replaced, every control
// character (CR and LF among them) and Unicode line separator turned into a space, runs of
// spaces collapsed, cut to smtpMaxSubject runes, and non-ASCII text MIME-encoded. The result
// contains no byte below 0x20 and none above 0x7e.
func smtpCleanSubject(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	n := 0
	space := false
	for _, r := range s {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			r = ' '
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		if n == smtpMaxSubject {
			b.WriteString("...")
			break
		}
		b.WriteRune(r)
		n++
	}
	runes := []rune(strings.TrimSpace(b.String()))
	for {
		enc := mime.QEncoding.Encode("utf-8", string(runes))
		if len(enc) <= smtpMaxSubjectBytes {
			return enc
		}
		// Wide runes encode to up to 12 bytes each: cut until the line fits.
		runes = append(runes[:len(runes)*9/10-3], []rune("...")...)
	}
}

// payload builds the mail for batch, records as smtpEncoder wrote them: headers (every value
// checked or encoded: no CR or LF but the line ends) and a quoted-printable UTF-8 body with
// one encoded record per line. The subject is that of the most severe record, the first of
// them on a tie.
func (s *smtpTransport) payload(batch [][]byte) []byte {
	var subject string
	worst := slog.Level(0)
	for i, p := range batch {
		level, subj, _, ok := smtpSplit(p)
		if ok && (i == 0 || level > worst) {
			worst, subject = level, subj
		}
	}
	if len(batch) > 1 {
		subject += " (+" + strconv.Itoa(len(batch)-1) + " more)"
	}
	to := make([]string, len(s.to))
	for i, a := range s.to {
		to[i] = a.String()
	}
	now := s.o.now()

	var m bytes.Buffer
	header := func(k, v string) {
		m.WriteString(k)
		m.WriteString(": ")
		m.WriteString(v)
		m.WriteString("\r\n")
	}
	header("From", s.from.String())
	header("To", strings.Join(to, ", "))
	header("Subject", subject)
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", s.messageID(now))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	// RFC 3834: tells autoresponders not to answer log mail.
	header("Auto-Submitted", "auto-generated")
	m.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&m)
	for _, p := range batch {
		_, _, body, ok := smtpSplit(p)
		if !ok {
			body = p // unreachable: every record comes from smtpEncoder
		}
		if !utf8.Valid(body) {
			body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
		}
		_, _ = qp.Write(body) // bytes.Buffer writes cannot fail
		_, _ = qp.Write([]byte{'\n'})
	}
	_ = qp.Close()
	return m.Bytes()
}

// messageID returns a unique Message-ID in the sender's domain (RFC 5322 section 3.6.4).
func (s *smtpTransport) messageID(now time.Time) string {
	var r [12]byte
	_, _ = rand.Read(r[:]) // crypto/rand.Read never fails (Go 1.24)
	domain := "localhost"
	if i := strings.LastIndexByte(s.from.Address, '@'); i >= 0 && i+1 < len(s.from.Address) {
		domain = s.from.Address[i+1:]
	}
	return "<" + strconv.FormatInt(now.UnixNano(), 36) + "." + hex.EncodeToString(r[:]) + "@" + domain + ">"
}
