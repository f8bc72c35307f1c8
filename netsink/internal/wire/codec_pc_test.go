package wire

import "runtime"

func wireRuntimeCallers(pcs *[1]uintptr) { runtime.Callers(2, pcs[:]) }
