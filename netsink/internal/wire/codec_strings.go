package wire

import "hash/maphash"

// wireStrings is a small set-associative table of recently decoded strings. A collector sees
// the same keys, messages and many of the same values over and over from one connection;
// looking a string's bytes up here returns the string decoded before instead of allocating a
// copy.
//
// It is bounded whatever a sender does: wireStringSlots entries of at most wireStringMax
// bytes each (about 28 KiB), a new string replacing the oldest of its bucket, plus the
// previous frame's first wireStringLast strings (at most 3 KiB more, see last). A hostile
// sender can make every lookup miss, which costs what decoding cost without the table: one
// allocation per string, plus a comparison with last, a hash and four comparisons. Buckets
// of four ways keep a record's strings from evicting each other: with one way, two of a
// record's eight strings would share a slot about one time in ten (the seed is random) and
// cost two allocations per record for the life of the connection.
type wireStrings struct {
	// seed is per table, so a sender cannot choose strings that collide on every collector.
	seed  maphash.Seed
	slots *[wireStringSlots]string
	// last[i] is the i-th string of the previous frame that went through get. One sender's
	// records mostly repeat the same keys in the same order, often with the same message
	// and values: comparing with the string at the same position finds most of them
	// without hashing (a hash and a bucket walk cost about three times the comparison).
	last [wireStringLast]string
	pos  int // strings of the current frame so far
	// budget is the decoder's (see Dec.charge): a string allocated is charged to it, and
	// one beyond it is not allocated: get returns "" and the decoder, which checks the
	// budget before it returns a record, refuses the frame.
	budget *int64
}

const (
	wireStringSlots = 256
	wireStringWays  = 4
	wireStringLast  = 32
	// wireStringMax is the longest string kept: longer ones are rarely repeated verbatim
	// (stack traces, payloads), and would make the table's bound large.
	wireStringMax = 96
)

func newWireStrings() wireStrings {
	return wireStrings{seed: maphash.MakeSeed(), slots: new([wireStringSlots]string)}
}

// frame starts a new frame: get compares its strings with the previous frame's, in order.
func (t *wireStrings) frame() { t.pos = 0 }

// get returns b as a string, from the table when it holds it.
func (t *wireStrings) get(b []byte) string {
	if s, ok := t.hit(b); ok {
		return s
	}
	return t.miss(b)
}

// hit is get's first try, the string at the same position of the previous frame: small
// enough to be inlined where keys and values are read, and most strings are found by it.
func (t *wireStrings) hit(b []byte) (string, bool) {
	if i := t.pos; uint(i) < wireStringLast && t.last[i] == string(b) { // no allocation
		t.pos = i + 1
		return t.last[i], true
	}
	return "", false
}

// miss is get for a string not at its previous position.
func (t *wireStrings) miss(b []byte) string {
	i := t.pos
	t.pos++
	s := t.lookup(b)
	if uint(i) < wireStringLast && len(s) <= wireStringMax {
		t.last[i] = s
	}
	return s
}

// lookup returns b as a string from the hash table, adding it when absent.
func (t *wireStrings) lookup(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > wireStringMax {
		return t.alloc(b)
	}
	at := int(maphash.Bytes(t.seed, b)%(wireStringSlots/wireStringWays)) * wireStringWays
	bucket := t.slots[at : at+wireStringWays : at+wireStringWays]
	for _, s := range bucket {
		if s == string(b) {
			return s
		}
	}
	s := t.alloc(b)
	if s == "" {
		return ""
	}
	copy(bucket[1:], bucket) // the oldest goes
	bucket[0] = s
	return s
}

// alloc returns a copy of b as a string, charged to the budget; "" past the budget.
func (t *wireStrings) alloc(b []byte) string {
	if *t.budget -= allocCost(len(b)); *t.budget < 0 {
		return ""
	}
	return string(b)
}
