package netsink

import "hash/maphash"

// wireStrings is a small direct-mapped table of recently decoded strings. A collector sees the
// same keys, messages and many of the same values over and over from one connection; looking
// a string's bytes up here returns the string decoded before instead of allocating a copy.
//
// It is bounded whatever a sender does: wireStringSlots entries of at most wireStringMax
// bytes each (about 28 KiB), a new string simply replacing the one in its slot. A hostile
// sender can make every lookup miss, which costs what decoding cost without the table: one
// allocation per string, plus a hash.
type wireStrings struct {
	// seed is per table, so a sender cannot choose strings that collide on every collector.
	seed  maphash.Seed
	slots *[wireStringSlots]string
}

const (
	wireStringSlots = 256
	// wireStringMax is the longest string kept: longer ones are rarely repeated verbatim
	// (stack traces, payloads), and would make the table's bound large.
	wireStringMax = 96
)

func newWireStrings() wireStrings {
	return wireStrings{seed: maphash.MakeSeed(), slots: new([wireStringSlots]string)}
}

// get returns b as a string, from the table when it holds it.
func (t wireStrings) get(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > wireStringMax {
		return string(b)
	}
	slot := &t.slots[maphash.Bytes(t.seed, b)%wireStringSlots]
	if *slot != string(b) { // the conversion in a comparison does not allocate
		*slot = string(b)
	}
	return *slot
}
