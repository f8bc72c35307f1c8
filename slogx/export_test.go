package slogx

import "time"

// SetSampleNow makes h's sampler read now as the wall clock.
func SetSampleNow(h *SampleHandler, now func() time.Time) { h.s.now = now }
