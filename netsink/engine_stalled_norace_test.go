//go:build !race

package netsink_test

import "time"

// stalledBound is the longest a Handle call may take with a stalled peer: 100x its cost.
const stalledBound = 50 * time.Millisecond
